#include "CEditLineShim.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <histedit.h>
#include <editline/readline.h>

static volatile sig_atomic_t pc_interrupted = 0;

static void pc_on_interrupt(int signo) {
  (void)signo;
  pc_interrupted = 1;
}

void pc_install_interrupt_handler(void) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = pc_on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0; /* no SA_RESTART: a blocked read returns EINTR */
  sigaction(SIGINT, &action, NULL);
  /* A blocked SIGINT is inherited across exec (from a test runner's thread, say): unblock it. */
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigprocmask(SIG_UNBLOCK, &set, NULL);
}

int pc_take_interrupt(void) {
  if (pc_interrupted) {
    pc_interrupted = 0;
    return 1;
  }
  return 0;
}

void pc_ignore_sigpipe(void) { signal(SIGPIPE, SIG_IGN); }

void pc_editline_init(const char *name, int history_size, int prompt_on_stderr) {
  rl_readline_name = (char *)name;
  if (prompt_on_stderr) rl_outstream = stderr;
  using_history();
  stifle_history(history_size);
}

char *pc_editline_read(const char *prompt) { return readline(prompt); }

void pc_editline_add_history(const char *line) { add_history(line); }

void pc_editline_set_completion(char *(*generator)(const char *text, int state)) {
  rl_completion_entry_function = (rl_compentry_func_t *)generator;
}
