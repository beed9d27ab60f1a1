/*
 * fpr: key fingerprints as ssh-keygen -l prints them.
 *
 * Used by akeys.h to name the keys an authorized_keys write added or
 * removed.  "SHA256:" and the base64 of the SHA-256 of the key's blob,
 * without '=' padding (OpenSSH's sshkey_fingerprint(SSH_FP_SHA256,
 * SSH_FP_BASE64)).  SHA-256 (FIPS 180-4) and base64 (RFC 4648) are here
 * rather than taken from a crypto library: the plugin links none, and
 * these are a few dozen lines with the standards' test vectors in
 * check_akeys.
 */
#ifndef SW_FPR_H
#define SW_FPR_H

#include <stddef.h>
#include <stdint.h>

#define FPR_SHA256_LEN	32
/* "SHA256:" + 43 base64 characters + NUL. */
#define FPR_TEXT_LEN	51

/* The SHA-256 digest of data[0..n) into out. */
void	 fpr_sha256(const void *data, size_t n, uint8_t out[FPR_SHA256_LEN]);
/*
 * Base64 of in[0..n) into out (outsz bytes, NUL-terminated), with '='
 * padding when pad is set.  Returns the length, or -1 when out is short.
 */
int	 fpr_base64(const uint8_t *in, size_t n, int pad, char *out,
	    size_t outsz);
/*
 * Decodes base64 text s[0..n) (padding optional, no white space) into
 * out.  Returns the decoded length, or -1 when s is not base64 or out is
 * short.
 */
long	 fpr_unbase64(const char *s, size_t n, uint8_t *out, size_t outsz);
/* "SHA256:..." of a digest, into out[FPR_TEXT_LEN]. */
void	 fpr_text(const uint8_t digest[FPR_SHA256_LEN],
	    char out[FPR_TEXT_LEN]);

#endif
