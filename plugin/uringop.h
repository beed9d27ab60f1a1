/*
 * uringop: the io_uring operations the file rules read.
 *
 * Part of the event and rules steps.  A file opened, renamed or linked
 * through io_uring makes no system call of its own: with an
 * `-a always,io_uring' rule (audit-userspace 3.1 or later, kernel 5.16 or
 * later) the kernel logs a URINGOP record (type 1336: uring_op=N, success,
 * exit, items, ppid, pid and the uids, no arguments, no auid, comm or exe)
 * with the op's CWD and PATH records.  When the op ran inside
 * io_uring_enter(2) and that system call is audited too, the event also
 * holds its SYSCALL record (syscall=io_uring_enter).  event.c keeps the
 * op number (event.uring_op); rules.c asks here which system call the op
 * stands for, and reads it as that call with its flags and directory
 * descriptor unknown (they are in the submission queue entry, which the
 * kernel does not log).
 */
#ifndef SW_URINGOP_H
#define SW_URINGOP_H

/* The op numbers of <linux/io_uring.h> the rules read (stable ABI). */
#define URINGOP_OPENAT		18
#define URINGOP_OPENAT2		28
#define URINGOP_RENAMEAT	35
#define URINGOP_UNLINKAT	36
#define URINGOP_MKDIRAT		37
#define URINGOP_SYMLINKAT	38
#define URINGOP_LINKAT		39

/*
 * The name of the system call io_uring op `op' does the work of
 * ("openat", "renameat", ...), or NULL for an op no file rule reads
 * (reads, writes, sockets: they name no file).
 */
const char	*uringop_syscall(long op);

#endif
