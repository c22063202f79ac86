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
#include <sys/ioctl.h>
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

static pc_completer pc_complete = NULL;
static int pc_tab(int count, int key);

void pc_editline_set_completion(pc_completer complete) {
  pc_complete = complete;
  rl_completion_entry_function = NULL;
  /* libedit's own Tab (rl_complete) quotes what it inserts (`units\\=`, `my\\ model.pc`) and
     lists only the inserted texts: Tab is bound to pc_tab instead, which does neither. */
  rl_add_defun("paramcalc-complete", pc_tab, '\t');
}

void pc_grow_pipe(int fd, int size) {
#ifdef F_SETPIPE_SZ
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode)) (void)fcntl(fd, F_SETPIPE_SZ, size);
#else
  (void)fd;
  (void)size;
#endif
}

/* Tab: the completer says where the word under the cursor starts, what replaces it (the one
   match, or the prefix all matches share) and what to list under the line (each match as it is
   shown: `3 Dense`, `units=64`). The line is edited through the readline emulation, then drawn
   again (after the list, on the line below it, as libedit does after its own list). */
/* The columns the first `bytes` bytes of `text` take: one per character (UTF-8 lead byte). */
static size_t pc_text_columns(const char *text, size_t bytes) {
  size_t n = 0;
  for (size_t i = 0; i < bytes && text[i]; i++)
    if (((unsigned char)text[i] & 0xC0) != 0x80) n++;
  return n;
}

static int pc_tab(int count, int key) {
  (void)count;
  (void)key;
  if (!pc_complete) return 0;
  FILE *out = rl_outstream ? rl_outstream : stdout;
  char *line = strdup(rl_line_buffer ? rl_line_buffer : "");
  if (!line) return 0;
  int point = rl_point;
  if (point < 0 || (size_t)point > strlen(line)) point = (int)strlen(line);
  int start = point;
  char *insertion = NULL;
  char *listing = NULL;
  struct winsize size;
  int columns = ioctl(fileno(out), TIOCGWINSZ, &size) == 0 && size.ws_col > 0 ? size.ws_col : 80;
  pc_complete(line, point, columns, &start, &insertion, &listing);
  if (start < 0 || start > point) start = point;
  size_t word = (size_t)(point - start);
  if (insertion && strlen(insertion) >= word) {
    if (strncmp(insertion, line + start, word) != 0 &&
        strncasecmp(insertion, line + start, word) == 0) {
      /* `EXP` -> `explain`: the word's letters take the match's case first (same length, so the
         cursor stays where it is), then the rest is inserted at the cursor. */
      memcpy(line + start, insertion, word);
      rl_replace_line(line, 0);
      rl_insert_text(insertion + word);
    } else if (strncmp(insertion, line + start, word) == 0) {
      rl_insert_text(insertion + word);
    }
  }
  if (listing) {
    fprintf(out, "\n%s", listing);
    fflush(out);
  } else {
    /* Back to where the prompt starts (the redraw below writes from there): up the rows the
       line took before the cursor, to the first column. */
    size_t width = pc_text_columns(rl_prompt ? rl_prompt : "", (size_t)-1) +
                   pc_text_columns(line, (size_t)point);
    size_t up = width / (size_t)columns;
    if (up > 0) fprintf(out, "\033[%zuA", up);
    fputs(insertion ? "\r" : "\a\r", out); /* a bell when nothing matches */
    fflush(out);
  }
  free(insertion);
  free(listing);
  free(line);
  rl_forced_update_display();
  return 0;
}
