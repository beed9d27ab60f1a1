/*
 * spool: the disk queue of alerts on their way to the aggregator.
 *
 * Store and forward: the remote sink writes every alert here first and
 * removes it only when the aggregator has acknowledged it, so alerts
 * survive a network or aggregator failure, a restart and kill -9.
 *
 * File layout (integers little-endian):
 *   header, 64 bytes: "SSHWSPL1", u32 version (1), u32 CRC-32 of the
 *     header with this field zero, u64 head (offset of the oldest entry),
 *     u64 head_seq (its sequence), u32 next_serial (for remote records),
 *     zero padding;
 *   entries from the head on: u32 magic "SWE1", u32 length, u64 seq,
 *     u32 CRC-32 of seq and payload, u32 zero, payload.
 * An entry is written and fdatasync'd before append returns; the header
 * is rewritten and synced when the head moves.  On open the header is
 * checked, then the entries are walked from the head: the first one that
 * is torn, corrupt or out of sequence ends the spool (the rest is cut off
 * and counted).  A header that does not check is moved aside as
 * FILE.corrupt and a new spool started.  The live bytes (tail - head) are
 * capped at max_size; when an append would go over it, the policy drops
 * the new alert or the oldest ones.  An emptied spool is truncated;
 * a spool whose dead prefix outgrows its live part (and 1 MiB, or
 * max_size when smaller) is compacted by rewriting it to FILE.new and
 * renaming it over FILE, so the file stays under twice max_size plus
 * the header.
 * Only one process may hold a spool (flock).
 */
#ifndef SW_SPOOL_H
#define SW_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#define SPOOL_HEADER		64
#define SPOOL_ENTRY_HEADER	24
#define SPOOL_MAX_ENTRY		(64 * 1024)

enum spool_policy { SPOOL_DROP_NEW, SPOOL_DROP_OLDEST };

struct spool_stats {
	unsigned long long	 appended;
	unsigned long long	 acked;
	unsigned long long	 dropped_new;	/* refused at the cap */
	unsigned long long	 dropped_old;	/* pushed out at the cap */
	unsigned long long	 recovered;	/* entries found at open */
	unsigned long long	 cut_at_open;	/* bytes of torn/corrupt tail */
	unsigned long long	 corrupt_headers;
	unsigned long long	 io_errors;
};

struct spool;

/*
 * Opens (or creates, mode 0600) the spool at path.  Returns NULL with a
 * message in err (not a regular file, locked by another process, I/O).
 */
struct spool	*spool_open(const char *path, size_t max_size,
		    enum spool_policy policy, char *err, size_t errsz);
void		 spool_close(struct spool *s);
/*
 * Appends one entry and syncs it.  Returns 0, 1 when the policy dropped
 * it (the cap), -1 on an I/O error (err set, counted).
 */
int		 spool_append(struct spool *s, const void *p, size_t len);
/*
 * The oldest entry: copies up to bufsz bytes of it into buf, sets *len
 * and *seq.  Returns 1, 0 when the spool is empty, -1 on an I/O error.
 */
int		 spool_peek(struct spool *s, void *buf, size_t bufsz,
		    size_t *len, uint64_t *seq);
/* Removes the oldest entry (acknowledged).  Returns 0 or -1. */
int		 spool_ack(struct spool *s);
size_t		 spool_count(const struct spool *s);
size_t		 spool_bytes(const struct spool *s);
/* The serial to give the next remote record, kept in the header. */
uint32_t	 spool_next_serial(struct spool *s);
void		 spool_set_serial(struct spool *s, uint32_t serial);
const struct spool_stats *spool_stats(const struct spool *s);
/* What spool_open() had to repair (a corrupt header moved aside), or NULL. */
const char	*spool_notice(const struct spool *s);

/*
 * The parsing half of spool_open(), on a whole file image in memory, for
 * tests and fuzzing: checks the header and walks the entries.  Returns 0
 * with the count of valid entries and the end of the last one, or an
 * error string when the header does not check.
 */
const char	*spool_scan(const unsigned char *img, size_t n, size_t *count,
		    size_t *tail);

uint32_t	 spool_crc32(uint32_t crc, const void *p, size_t n);

#endif
