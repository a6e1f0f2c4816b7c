/* The monotonic clock in seconds: the one clock the runner's waits,
 * deadlines and phase timings are measured with. */
#ifndef TPMFAULT_MONO_H
#define TPMFAULT_MONO_H

double mono_now(void);

#endif
