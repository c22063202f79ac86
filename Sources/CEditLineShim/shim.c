#define _GNU_SOURCE
#include "CEditLineShim.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <histedit.h>
#include <editline/readline.h>

static volatile sig_atomic_t pc_interrupted = 0;

/* The self-pipe: the handler writes a byte to it, so a poll() that includes its read end wakes
   up even when SIGINT lands between a check of the flag and the poll (no lost interrupt). */
static int pc_wake[2] = {-1, -1};

static void pc_on_interrupt(int signo) {
  (void)signo;
  int saved = errno;
  pc_interrupted = 1;
  if (pc_wake[1] >= 0) (void)!write(pc_wake[1], "", 1);
  errno = saved;
}

static void pc_drain_wake(void) {
  char buffer[64];
  if (pc_wake[0] < 0) return;
  while (read(pc_wake[0], buffer, sizeof buffer) > 0) {
  }
}

/* A standard descriptor that is closed (`paramcalc <&-`) would be taken by the next file
   opened, the self-pipe first: paramcalc would then read its own pipe as standard input. Each
   closed one is held by /dev/null opened the wrong way round, so that using it fails as it
   would have (reading standard input, writing standard output: EBADF, reported). */
static void pc_hold_standard_descriptors(void) {
  for (int fd = 0; fd <= 2; fd++) {
    if (fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    int held = open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY);
    if (held >= 0 && held != fd) {
      dup2(held, fd);
      close(held);
    }
  }
}

void pc_install_interrupt_handler(void) {
  pc_hold_standard_descriptors();
  if (pc_wake[0] < 0 && pipe(pc_wake) == 0) {
    for (int i = 0; i < 2; i++) {
      fcntl(pc_wake[i], F_SETFL, fcntl(pc_wake[i], F_GETFL) | O_NONBLOCK);
      fcntl(pc_wake[i], F_SETFD, FD_CLOEXEC);
    }
  }
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
    pc_drain_wake();
    return 1;
  }
  return 0;
}

int pc_interrupt_pending(void) { return pc_interrupted != 0; }

int pc_wait_readable(int fd) {
  for (;;) {
    if (pc_interrupted) return 0;
    struct pollfd p[2] = {{.fd = fd, .events = POLLIN, .revents = 0},
                          {.fd = pc_wake[0], .events = POLLIN, .revents = 0}};
    int r = poll(p, pc_wake[0] >= 0 ? 2 : 1, -1);
    if (r < 0) {
      if (errno == EINTR) continue;
      return 1; /* let read() report the error */
    }
    if (pc_interrupted) return 0;
    if (p[0].revents) return 1;
    if (p[1].revents & POLLIN) pc_drain_wake(); /* a stale byte: the flag was taken already */
  }
}

void pc_ignore_sigpipe(void) { signal(SIGPIPE, SIG_IGN); }

static int pc_getc(FILE *stream);

void pc_editline_init(const char *name, int history_size, int prompt_on_stderr) {
  rl_readline_name = (char *)name; /* before libedit starts: `paramcalc:` lines of ~/.editrc */
  if (prompt_on_stderr) rl_outstream = stderr;
  rl_getc_function = pc_getc; /* taken by rl_initialize only if set before it */
  using_history();             /* rl_initialize: emacs keys, ^R, then ~/.editrc (el_source) */
  stifle_history(history_size);
}

static char *pc_line = NULL;
static int pc_line_done = 0;
/* Set when standard input ended or failed while libedit waited for a key. */
static int pc_input_ended = 0;

static void pc_on_line(char *line) {
  pc_line = line;
  pc_line_done = 1;
}

/* libedit's source of keys (rl_getc_function): waits with poll() on standard input and the
   self-pipe, so that a SIGINT is never lost between a check and a blocking read, and decodes
   one character by the locale (mbrtowc: UTF-8 once pc_editline_set_locale has run), which
   libedit takes whole (its readline emulation stores the int returned as a wchar_t). Returns
   -1, which libedit reads as the end of input, after Ctrl-C or at the end of input
   (pc_input_ended); the loop in pc_editline_read tells the two apart.

   Keys come through here, rather than from libedit's own reader with the loop polling between
   keys, because libedit sometimes keeps a key it has read for itself: the key that ends a
   Ctrl-R search (Enter, say) is pushed back and handled next. A loop that polled the terminal
   before handing libedit the next key would wait for another key press with Enter unanswered;
   libedit asks this function only once the keys it holds are used up. */
static int pc_getc(FILE *stream) {
  int fd = fileno(stream ? stream : (rl_instream ? rl_instream : stdin));
  mbstate_t state;
  memset(&state, 0, sizeof state);
  for (;;) {
    if (pc_interrupted) return -1;
    struct pollfd p[2] = {{.fd = fd, .events = POLLIN, .revents = 0},
                          {.fd = pc_wake[0], .events = POLLIN, .revents = 0}};
    int r = poll(p, pc_wake[0] >= 0 ? 2 : 1, -1);
    if (r < 0) {
      if (errno == EINTR) continue;
      pc_input_ended = 1;
      return -1;
    }
    if (pc_interrupted) return -1;
    if (!p[0].revents) {
      pc_drain_wake(); /* a stale byte: the flag was taken already */
      continue;
    }
    if (p[0].revents & (POLLHUP | POLLERR | POLLNVAL) && !(p[0].revents & POLLIN)) {
      pc_input_ended = 1;
      return -1;
    }
    char byte;
    ssize_t n = read(fd, &byte, 1);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) {
      pc_input_ended = 1;
      return -1;
    }
    wchar_t c;
    size_t used = mbrtowc(&c, &byte, 1, &state);
    if (used == (size_t)-2) continue; /* more bytes of this character to come */
    if (used == (size_t)-1) {         /* not a character: dropped, as libedit does */
      memset(&state, 0, sizeof state);
      continue;
    }
    return used == 0 ? 0 : (int)c;
  }
}

/* libedit's callback interface: each call handles one key (and any libedit holds), its keys
   read by pc_getc. A SIGINT that arrives while libedit is busy (not waiting for a key) is still
   seen, after the key being handled, so Ctrl-C always cancels the line. */
char *pc_editline_read(const char *prompt, int *interrupted) {
  pc_line = NULL;
  pc_line_done = 0;
  pc_input_ended = 0;
  *interrupted = 0;
  rl_callback_handler_install(prompt, pc_on_line);
  while (!pc_line_done) {
    if (pc_interrupted) {
      pc_interrupted = 0;
      pc_drain_wake();
      *interrupted = 1;
      rl_replace_line("", 0);
      break;
    }
    if (pc_input_ended) break;
    rl_callback_read_char();
  }
  rl_callback_handler_remove();
  return pc_line;
}

void pc_editline_add_history(const char *line) { add_history(line); }

/* libedit reads keys through mbrtowc() and draws through the locale: in the "C" locale every byte
   past ASCII is refused (é and ü vanish from the line). The character type comes from the
   environment; when that gives no UTF-8 (LANG unset, LANG=C), C.UTF-8 (or C.utf8, en_US.UTF-8)
   is taken instead, so that a UTF-8 terminal still works. A locale the environment names with
   another character set (ISO-8859-1, say) is kept. Only LC_CTYPE: numbers and messages are
   untouched. Must run before libedit starts (pc_editline_init). */
static int pc_codeset_is_utf8(void) {
  const char *codeset = nl_langinfo(CODESET);
  return codeset && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}

int pc_editline_set_locale(void) {
  /* setlocale's answer is overwritten by the next call: only whether it is C or POSIX is kept
     (NULL: the environment names a locale that is not installed, so it stays C). */
  const char *chosen = setlocale(LC_CTYPE, "");
  if (pc_codeset_is_utf8()) return 1;
  if (chosen && strcmp(chosen, "C") != 0 && strcmp(chosen, "POSIX") != 0) return 0;
  static const char *const fallbacks[] = {"C.UTF-8", "C.utf8", "en_US.UTF-8"};
  for (size_t i = 0; i < sizeof fallbacks / sizeof fallbacks[0]; i++) {
    if (setlocale(LC_CTYPE, fallbacks[i]) && pc_codeset_is_utf8()) return 1;
  }
  setlocale(LC_CTYPE, "C");
  return 0;
}

void pc_editline_set_completion(char *(*generator)(const char *text, int state)) {
  rl_completion_entry_function = (rl_compentry_func_t *)generator;
}

const char *pc_editline_buffer(int *point) {
  *point = rl_point;
  return rl_line_buffer ? rl_line_buffer : "";
}

void pc_editline_append_space(int yes) { rl_completion_append_character = yes ? ' ' : '\0'; }

void pc_grow_pipe(int fd, int size) {
#ifdef F_SETPIPE_SZ
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode)) (void)fcntl(fd, F_SETPIPE_SZ, size);
#else
  (void)fd;
  (void)size;
#endif
}
