/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Staged outputs (docs/cli.md, "Outputs and the commit"): a command that
 * commits to the ledger and writes files writes every file first into
 * DIR/.duixian-stage-PID/, then commits, then renames the files into DIR.
 * So a failure before the commit commits nothing and leaves no file, and a
 * committed round or payment run always has its files, except when a
 * rename fails after the commit (the command then says how to restore them)
 * or the process is killed (SIGKILL, power) between the commit and the
 * last rename: the next command that writes into DIR finds the staging
 * directory of a dead process, and says the same.
 *
 * The staging directory is in DIR so that the renames stay on one file
 * system, and it is a directory rather than NAME.tmp-PID files so that the
 * writers (the library's, the report's, the Excel one) need not know: they
 * write into a directory as always. What is about to be committed is noted
 * in .duixian-stage-PID/.commit before the COMMIT (the ledger, the head
 * the commit will leave, the restore command), because only the ledger can
 * tell afterwards whether the COMMIT happened.
 *
 * Signals: SIGINT, SIGTERM and SIGHUP before the commit run a handler that
 * empties and removes the staging directory with async-signal-safe calls
 * (getdents64, unlinkat, rmdir) and re-raises the signal; from just before
 * the commit until the files are in place they are blocked, and take effect
 * once the command is done with the directory. A signal ignored when the
 * command started (nohup) stays ignored.
 */
#include "dx-cli-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/syscall.h>
#endif

#define STAGE_PREFIX ".duixian-stage-"
#define STAGE_NOTE ".commit"
#define STAGE_INCOMPLETE ".duixian-incomplete"   /* in DIR: a rename failed after the commit */

static const int stage_signals[] = { SIGINT, SIGTERM, SIGHUP };

struct _DxCliStage {
    char *dir;       /* DIR, as given */
    char *path;      /* DIR/.duixian-stage-PID */
    gboolean held;   /* the signals are blocked (dx_cli_stage_hold_signals) */
    sigset_t old_mask;
};

/* What the signal handler reads: set before the handler is installed,
 * cleared after it is removed. One stage at a time (one command per process). */
static volatile sig_atomic_t stage_live;
static volatile sig_atomic_t stage_fd = -1;
static char stage_path[4096];
static struct sigaction stage_old[G_N_ELEMENTS(stage_signals)];
static gboolean stage_installed[G_N_ELEMENTS(stage_signals)];

/* Empties the directory open as @fd: async-signal-safe. */
static void
stage_empty_fd(int fd)
{
#if defined(__linux__) && defined(SYS_getdents64)
    /* unlinking while reading can skip a name: read again until a pass removes nothing */
    for (int pass = 0; pass < 16; pass++) {
        char buf[4096] __attribute__((aligned(8)));
        gboolean removed = FALSE;
        long n;

        if (lseek(fd, 0, SEEK_SET) != 0)
            return;
        while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
            for (long at = 0; at < n;) {
                /* struct linux_dirent64: d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name */
                unsigned short reclen;
                const char *name = buf + at + 19;

                memcpy(&reclen, buf + at + 16, sizeof reclen);
                if (!(name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))))
                    removed |= unlinkat(fd, name, 0) == 0;
                at += reclen;
            }
        }
        if (!removed)
            return;
    }
#else
    /* without getdents64: the names the commands write, and their temporaries */
    static const char *const names[] = { "decisions.csv", "schedule.csv", "summary.json", "report.html",
                                         "decisions.xlsx", "schedule.xlsx", "ledger-head.txt", "payments.csv",
                                         "payments.json", STAGE_NOTE };

    for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
        unlinkat(fd, names[i], 0);
#endif
}

static void
stage_on_signal(int sig)
{
    int saved = errno;

    if (stage_live) {
        stage_live = 0;
        if (stage_fd >= 0)
            stage_empty_fd((int)stage_fd);
        rmdir(stage_path);   /* fails harmlessly when the signal came before the mkdir */
    }
    for (size_t i = 0; i < G_N_ELEMENTS(stage_signals); i++) {
        if (stage_signals[i] == sig)
            sigaction(sig, &stage_old[i], NULL);
    }
    errno = saved;
    raise(sig);   /* blocked in the handler: delivered, with the old action, when it returns */
}

static void
stage_install(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = stage_on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < G_N_ELEMENTS(stage_signals); i++)
        sigaddset(&sa.sa_mask, stage_signals[i]);
    for (size_t i = 0; i < G_N_ELEMENTS(stage_signals); i++) {
        stage_installed[i] = FALSE;
        if (sigaction(stage_signals[i], NULL, &stage_old[i]) != 0 || stage_old[i].sa_handler == SIG_IGN)
            continue;   /* nohup's SIGHUP stays ignored */
        stage_installed[i] = sigaction(stage_signals[i], &sa, NULL) == 0;
    }
}

static void
stage_uninstall(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(stage_signals); i++) {
        if (stage_installed[i])
            sigaction(stage_signals[i], &stage_old[i], NULL);
        stage_installed[i] = FALSE;
    }
}

/* ---- stale stages: a process that died (SIGKILL, power) left one ---- */

/* TRUE when @name is PREFIX followed by the pid of a process that is gone. */
static gboolean
stage_name_dead_pid(const char *name, const char *prefix, long *pid_out)
{
    const char *digits = g_str_has_prefix(name, prefix) ? name + strlen(prefix) : NULL;
    guint64 pid = 0;

    if (digits == NULL || !g_ascii_string_to_unsigned(digits, 10, 1, G_MAXINT32, &pid, NULL))
        return FALSE;
    *pid_out = (long)pid;
    /* our own pid: a dead process had it, since this one has not staged yet */
    return (pid_t)pid == getpid() || (kill((pid_t)pid, 0) != 0 && errno == ESRCH);
}

static void
stage_remove_tree(const char *path)
{
    g_autoptr(GDir) d = g_dir_open(path, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
        g_autofree char *f = g_build_filename(path, name, NULL);

        g_unlink(f);
    }
    g_rmdir(path);
}

char *
dx_cli_stage_committed_message(const char *what, const char *restore)
{
    return g_strdup_printf(_("%s is committed, but its files are not all in place: %s"), what, restore);
}

/* A stale stage's note: did its COMMIT happen? Appends the message to @msgs when it did (or may have). */
static void
stage_check_note(const char *dir, const char *stage, long pid, GString *msgs)
{
    g_autofree char *note = g_build_filename(stage, STAGE_NOTE, NULL);
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autofree char *ledger_path = NULL, *head = NULL, *what = NULL, *restore = NULL, *m = NULL;
    g_autoptr(DxLedger) ledger = NULL;
    g_autoptr(GError) error = NULL;

    if (!g_key_file_load_from_file(kf, note, G_KEY_FILE_NONE, NULL))
        return;   /* no note: it died before the commit; nothing was committed */
    ledger_path = g_key_file_get_string(kf, "commit", "ledger", NULL);
    head = g_key_file_get_string(kf, "commit", "head", NULL);
    what = g_key_file_get_string(kf, "commit", "what", NULL);
    restore = g_key_file_get_string(kf, "commit", "restore", NULL);
    if (ledger_path == NULL || head == NULL || what == NULL || restore == NULL)
        return;
    ledger = dx_ledger_open_readonly(ledger_path, &error);
    if (ledger != NULL && !dx_ledger_verify_through(ledger, head, NULL, &error) &&
        g_error_matches(error, DX_ERROR, DX_ERROR_LEDGER_CORRUPT) && strstr(error->message, head) != NULL)
        return;   /* the head it was committing is in no entry: the COMMIT did not happen */
    m = dx_cli_stage_committed_message(what, restore);
    g_string_append_printf(msgs, _("%s: process %ld stopped before its files were in place; %s"), dir, pid, m);
    if (ledger == NULL || error != NULL)
        g_string_append_printf(msgs, _(" (the ledger could not tell whether the commit happened: %s)"),
                               error != NULL ? error->message : "");
}

gboolean
dx_cli_stage_sweep(const char *dir, gboolean fail_if_committed, GError **error)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    g_autoptr(GString) msgs = g_string_new(NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
        g_autofree char *path = g_build_filename(dir, name, NULL);
        const char *tmp = strstr(name, ".tmp-");
        long pid = 0;

        if (stage_name_dead_pid(name, STAGE_PREFIX, &pid) && g_file_test(path, G_FILE_TEST_IS_DIR)) {
            stage_check_note(dir, path, pid, msgs);
            stage_remove_tree(path);
            fprintf(stderr, _("duixian: %s: removed the temporary files of process %ld, which is not running\n"),
                    dir, pid);
        } else if (tmp != NULL && stage_name_dead_pid(tmp, ".tmp-", &pid) &&
                   g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
            /* NAME.tmp-PID: a file written in place (report --out-dir, an older duixian) */
            g_unlink(path);
            fprintf(stderr, _("duixian: %s: removed the temporary files of process %ld, which is not running\n"),
                    dir, pid);
        }
    }
    {
        /* the note of a command whose rename failed after its commit: said once, by the next command */
        g_autofree char *marker = g_build_filename(dir, STAGE_INCOMPLETE, NULL);
        g_autoptr(GKeyFile) kf = g_key_file_new();

        if (g_key_file_load_from_file(kf, marker, G_KEY_FILE_NONE, NULL)) {
            g_autofree char *what = g_key_file_get_string(kf, "commit", "what", NULL);
            g_autofree char *restore = g_key_file_get_string(kf, "commit", "restore", NULL);

            if (what != NULL && restore != NULL) {
                g_autofree char *m = dx_cli_stage_committed_message(what, restore);

                g_string_append_printf(msgs, "%s%s: %s", msgs->len > 0 ? "\n" : "", dir, m);
            }
        }
        g_unlink(marker);
    }
    if (msgs->len == 0)
        return TRUE;
    if (!fail_if_committed) {
        fprintf(stderr, "duixian: %s\n", msgs->str);
        return TRUE;
    }
    g_set_error(error, DX_ERROR, DX_ERROR_IO, "%s", msgs->str);
    return FALSE;
}

char *
dx_cli_shell_word(const char *s)
{
    for (const char *p = s; *p != '\0'; p++) {
        if (!g_ascii_isalnum(*p) && strchr("._/-+=:,@", *p) == NULL && !((guchar)*p & 0x80))
            return g_shell_quote(s);
    }
    return *s != '\0' ? g_strdup(s) : g_shell_quote(s);
}

/* ---- the stage ---- */

DxCliStage *
dx_cli_stage_new(const char *dir, GError **error)
{
    g_autoptr(DxCliStage) st = NULL;
    g_autofree char *name = g_strdup_printf(STAGE_PREFIX "%ld", (long)getpid());

    g_return_val_if_fail(!stage_live, NULL);   /* one stage at a time */
    if (g_mkdir_with_parents(dir, 0755) != 0 || access(dir, W_OK) != 0) {
        g_set_error(error, DX_ERROR, DX_ERROR_IO, "%s: %s", dir, g_strerror(errno));
        return NULL;
    }
    if (!dx_cli_stage_sweep(dir, TRUE, error))
        return NULL;
    st = g_new0(DxCliStage, 1);
    st->dir = g_strdup(dir);
    st->path = g_build_filename(dir, name, NULL);
    /* the handler first, so that no signal finds the directory made and no
     * handler to remove it */
    if (strlen(st->path) < sizeof stage_path) {
        g_strlcpy(stage_path, st->path, sizeof stage_path);
        stage_fd = -1;
        stage_live = 1;
        stage_install();
    }
    if (g_mkdir(st->path, 0755) != 0) {
        g_set_error(error, DX_ERROR, DX_ERROR_IO, "%s: %s", st->path, g_strerror(errno));
        stage_live = 0;
        stage_uninstall();
        g_clear_pointer(&st->path, g_free);
        return NULL;
    }
    stage_fd = open(st->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    return g_steal_pointer(&st);
}

const char *
dx_cli_stage_get_path(DxCliStage *st)
{
    return st->path;
}

gboolean
dx_cli_stage_note_commit(DxCliStage *st, const char *ledger_path, const char *head, const char *what,
                         const char *restore, GError **error)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autofree char *abs = g_canonicalize_filename(ledger_path, NULL), *text = NULL;
    g_autofree char *note = g_build_filename(st->path, STAGE_NOTE, NULL);

    g_key_file_set_string(kf, "commit", "ledger", abs);
    g_key_file_set_string(kf, "commit", "head", head);
    g_key_file_set_string(kf, "commit", "what", what);
    g_key_file_set_string(kf, "commit", "restore", restore);
    text = g_key_file_to_data(kf, NULL, NULL);
    return g_file_set_contents(note, text, -1, error);
}

void
dx_cli_stage_hold_signals(DxCliStage *st)
{
    sigset_t set;

    if (st->held)
        return;
    sigemptyset(&set);
    for (size_t i = 0; i < G_N_ELEMENTS(stage_signals); i++)
        sigaddset(&set, stage_signals[i]);
    st->held = sigprocmask(SIG_BLOCK, &set, &st->old_mask) == 0;
}

static int
stage_name_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

gboolean
dx_cli_stage_publish(DxCliStage *st, const char *last, GError **error)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GDir) d = g_dir_open(st->path, 0, error);
    const char *name;

    if (d == NULL)
        return FALSE;
    while ((name = g_dir_read_name(d)) != NULL) {
        if (name[0] != '.' && g_strcmp0(name, last) != 0)
            g_ptr_array_add(names, g_strdup(name));
    }
    g_ptr_array_sort(names, stage_name_cmp);
    if (last != NULL) {
        g_autofree char *p = g_build_filename(st->path, last, NULL);

        if (g_file_test(p, G_FILE_TEST_EXISTS))
            g_ptr_array_add(names, g_strdup(last));   /* the marker that the rest is in place */
    }
    for (guint i = 0; i < names->len; i++) {
        g_autofree char *from = g_build_filename(st->path, g_ptr_array_index(names, i), NULL);
        g_autofree char *to = g_build_filename(st->dir, g_ptr_array_index(names, i), NULL);

        if (g_rename(from, to) != 0) {
            g_set_error(error, DX_ERROR, DX_ERROR_IO, "%s: %s", to, g_strerror(errno));
            return FALSE;
        }
    }
    return TRUE;
}

void
dx_cli_stage_mark_incomplete(DxCliStage *st)
{
    g_autofree char *note = g_build_filename(st->path, STAGE_NOTE, NULL);
    g_autofree char *marker = g_build_filename(st->dir, STAGE_INCOMPLETE, NULL);

    g_rename(note, marker);   /* best effort: DIR may be what refused the renames */
}

void
dx_cli_stage_free(DxCliStage *st)
{
    if (st == NULL)
        return;
    if (st->path != NULL) {
        stage_live = 0;
        stage_uninstall();
        stage_remove_tree(st->path);
        if (stage_fd >= 0)
            close((int)stage_fd);
        stage_fd = -1;
    }
    /* a signal held since the commit takes effect now, with the directory clean */
    if (st->held)
        sigprocmask(SIG_SETMASK, &st->old_mask, NULL);
    g_free(st->dir);
    g_free(st->path);
    g_free(st);
}
