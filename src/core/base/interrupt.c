/*
** Storage of the process-wide interrupt flag.
*/
#include "ibsh/interrupt.h"

volatile sig_atomic_t ibsh_interrupt_flag = 0;
