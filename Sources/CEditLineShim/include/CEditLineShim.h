#ifndef PARAMCALC_CEDITLINE_SHIM_H
#define PARAMCALC_CEDITLINE_SHIM_H

/// Fixed-argument wrappers around libedit and signal handling, for what Swift cannot call
/// directly (variadic functions, C global function pointers, async-signal-safe handlers).

/// Prepares libedit's readline emulation: program name, in-memory history bounded to
/// `history_size`; with `prompt_on_stderr`, the prompt and echo go to stderr (stdout stays JSON).
void pc_editline_init(const char *name, int history_size, int prompt_on_stderr);

/// Reads one line at `prompt`. Returns a malloc'd string (free it), or NULL at end of input or
/// after Ctrl-C, which sets `*interrupted` to 1.
char *pc_editline_read(const char *prompt, int *interrupted);

/// Appends a line to the in-memory history.
void pc_editline_add_history(const char *line);

/// Sets LC_CTYPE from the environment, falling back to C.UTF-8 when that gives the C locale, so
/// that libedit reads and draws UTF-8 by whole characters. Returns 1 when the character set is
/// UTF-8. Call before `pc_editline_init`, and only for the prompt (script mode needs no locale).
int pc_editline_set_locale(void);

/// What Tab asks: for the line being edited and the cursor's byte offset in it (`point`), and
/// the terminal's width, set `*start` to the byte offset where the word being completed begins,
/// `*insertion` to a malloc'd text that replaces the word (or leave it NULL) and `*listing` to a
/// malloc'd text listed under the line (or leave it NULL); the shim frees both.
typedef void (*pc_completer)(const char *line, int point, int columns, int *start,
                             char **insertion, char **listing);

/// Binds Tab to a completion that asks `complete`, inserts without libedit's quoting and lists
/// what `complete` says to list.
void pc_editline_set_completion(pc_completer complete);

/// Installs a SIGINT handler (without SA_RESTART) that only records the signal.
void pc_install_interrupt_handler(void);

/// Returns 1 once after each SIGINT since the last call, 0 otherwise.
int pc_take_interrupt(void);

/// Whether a SIGINT arrived that `pc_take_interrupt` has not taken yet (it stays pending).
int pc_interrupt_pending(void);

/// Waits until `fd` can be read (or reports an error or end of file), or a SIGINT arrives:
/// returns 1 then 0. No interrupt is lost between the check and the wait (a self-pipe).
int pc_wait_readable(int fd);

/// Ignores SIGPIPE so that a write to a closed pipe returns EPIPE instead of killing the process.
void pc_ignore_sigpipe(void);

/// When `fd` is a pipe, asks Linux to make its buffer `size` bytes (F_SETPIPE_SZ, which Swift
/// does not see without _GNU_SOURCE); elsewhere, or when refused, does nothing.
void pc_grow_pipe(int fd, int size);

#endif
