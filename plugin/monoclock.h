/*
 * monoclock: the monotonic clock in milliseconds, for the timers of plugin
 * mode (client configurations read again, the inotify fallback's delays,
 * the wait budget of planted configs).  Event times come from the events.
 */
#ifndef SW_MONOCLOCK_H
#define SW_MONOCLOCK_H

/* CLOCK_MONOTONIC in milliseconds; 0 if it cannot be read. */
long long	monoclock_ms(void);

#endif
