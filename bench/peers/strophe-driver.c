/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Peer driver for bench-roundtrips: libstrophe (libstrophe-dev), the C
 * library profanity uses.  bench-roundtrips compiles it with gcc into a
 * temporary directory at bench time; it is never committed built.
 *
 *   strophe-driver --host H --port N --domain D --ca-file F
 *                  --transport starttls|direct-tls --mode probe|form|register
 *                  [--username U --password-file P] [--timeout S]
 *
 * libstrophe has no in-band registration API of its own; this follows
 * profanity's connection_register() (src/xmpp/connection.c), which is
 * libstrophe's examples/register.c: xmpp_connect_raw() to the given host and
 * port, on XMPP_CONN_RAW_CONNECT xmpp_conn_open_stream_default() (for
 * direct TLS after xmpp_conn_tls_start(), as xmpp_connect_raw()'s
 * documentation says: a raw connection does not honour
 * XMPP_CONN_FLAG_LEGACY_SSL by itself); on
 * the features, if they offer <starttls/>, send it and on <proceed/>
 * xmpp_conn_tls_start() and open the stream again; on the features after
 * TLS send <iq type='get' to=D><query xmlns='jabber:iq:register'/></iq>.
 * The CA file is given with xmpp_conn_set_cafile(); there is no certfail
 * handler, so a certificate that does not verify fails the connection.
 *
 * Stops at the point equivalent to enlist-cli's:
 *   probe: the stream features after TLS have been received;
 *   form:  the answer to the iq get jabber:iq:register;
 *   register (for bench/run-cpu): after that answer, the iq set with the
 *          legacy <username/> and <password/> fields, as profanity's
 *          connection_register() sends it (register.c's data-form path is
 *          not what profanity uses), and its result: the account exists.
 *          The password is read from --password-file, never argv.
 * Prints one JSON line {"total_ms": X, ...}, X measured from just before
 * xmpp_connect_raw() (the host is an IP literal).  Exits non-zero on
 * failure or timeout.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <strophe.h>

static struct {
    const char *host, *domain, *ca_file, *transport, *mode, *username;
    char password[256];
    int port;
    double timeout_s;
    struct timespec t0;
    int done;          /* 1 ok, -1 failed */
    double total_ms;
    char detail[256];
    xmpp_ctx_t *ctx;
} st;

static double ms_since_t0(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - st.t0.tv_sec) * 1000.0 + (t.tv_nsec - st.t0.tv_nsec) / 1e6;
}

static void finish(int ok, const char *detail)
{
    if (st.done)
        return;
    st.total_ms = ms_since_t0();
    st.done = ok ? 1 : -1;
    snprintf(st.detail, sizeof st.detail, "%s", detail);
}

static int handle_error(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
    (void)stanza;
    (void)userdata;
    finish(0, "stream error");
    xmpp_disconnect(conn);
    return 0;
}

static xmpp_stanza_t *text_child(const char *name, const char *text)
{
    xmpp_stanza_t *el = xmpp_stanza_new(st.ctx), *t = xmpp_stanza_new(st.ctx);
    xmpp_stanza_set_name(el, name);
    xmpp_stanza_set_text(t, text);
    xmpp_stanza_add_child(el, t);
    xmpp_stanza_release(t);
    return el;
}

static int iq_set_cb(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
    const char *type = xmpp_stanza_get_type(stanza);
    (void)conn;
    (void)userdata;
    if (type && strcmp(type, "result") == 0)
        finish(1, "registered");
    else
        finish(0, "the server refused the registration");
    return 0;
}

/* profanity's connection_register(): iq set with the legacy fields */
static void send_registration(xmpp_conn_t *conn)
{
    xmpp_stanza_t *iq = xmpp_iq_new(st.ctx, "set", "reg2"), *query, *el;
    xmpp_stanza_set_to(iq, st.domain);
    query = xmpp_stanza_new(st.ctx);
    xmpp_stanza_set_name(query, "query");
    xmpp_stanza_set_ns(query, XMPP_NS_REGISTER);
    el = text_child("username", st.username);
    xmpp_stanza_add_child(query, el);
    xmpp_stanza_release(el);
    el = text_child("password", st.password);
    xmpp_stanza_add_child(query, el);
    xmpp_stanza_release(el);
    xmpp_stanza_add_child(iq, query);
    xmpp_stanza_release(query);
    xmpp_id_handler_add(conn, iq_set_cb, "reg2", NULL);
    xmpp_send(conn, iq);
    xmpp_stanza_release(iq);
}

static int iq_reg_cb(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
    const char *type = xmpp_stanza_get_type(stanza);
    xmpp_stanza_t *query;
    (void)conn;
    (void)userdata;
    if (!type || strcmp(type, "result") != 0) {
        finish(0, "iq get jabber:iq:register did not return a result");
        return 0;
    }
    query = xmpp_stanza_get_child_by_name(stanza, "query");
    if (strcmp(st.mode, "register") == 0) {
        if (query && xmpp_stanza_get_child_by_name(query, "username")
            && xmpp_stanza_get_child_by_name(query, "password"))
            send_registration(conn);
        else
            finish(0, "the form has no legacy username and password fields");
        return 0;
    }
    if (query && xmpp_stanza_get_child_by_ns(query, "jabber:x:data"))
        finish(1, "data-form");
    else if (query && xmpp_stanza_get_children(query))
        finish(1, "legacy");
    else
        finish(0, "empty registration answer");
    return 0;
}

static int handle_proceed(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
    (void)userdata;
    if (strcmp(xmpp_stanza_get_name(stanza), "proceed") == 0) {
        if (xmpp_conn_tls_start(conn) == 0) {
            xmpp_handler_delete(conn, handle_error);
            xmpp_conn_open_stream_default(conn);
        } else {
            finish(0, "TLS failed");
            xmpp_disconnect(conn);
        }
    }
    return 0;
}

static int handle_features(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
    xmpp_stanza_t *child, *iq;
    (void)userdata;

    child = xmpp_stanza_get_child_by_name(stanza, "starttls");
    if (child && strcmp(xmpp_stanza_get_ns(child), XMPP_NS_TLS) == 0) {
        child = xmpp_stanza_new(st.ctx);
        xmpp_stanza_set_name(child, "starttls");
        xmpp_stanza_set_ns(child, XMPP_NS_TLS);
        xmpp_handler_add(conn, handle_proceed, XMPP_NS_TLS, NULL, NULL, NULL);
        xmpp_send(conn, child);
        xmpp_stanza_release(child);
        return 0;
    }
    if (!xmpp_conn_is_secured(conn)) {
        finish(0, "features without starttls on an insecure stream");
        xmpp_disconnect(conn);
        return 0;
    }
    if (strcmp(st.mode, "probe") == 0) {
        finish(1, "features");
        return 0;
    }
    /* like profanity: the iq get goes out once the secured features are in */
    iq = xmpp_iq_new(st.ctx, "get", "reg1");
    xmpp_stanza_set_to(iq, st.domain);
    child = xmpp_stanza_new(st.ctx);
    xmpp_stanza_set_name(child, "query");
    xmpp_stanza_set_ns(child, XMPP_NS_REGISTER);
    xmpp_stanza_add_child(iq, child);
    xmpp_handler_add(conn, iq_reg_cb, XMPP_NS_REGISTER, "iq", NULL, NULL);
    xmpp_send(conn, iq);
    xmpp_stanza_release(child);
    xmpp_stanza_release(iq);
    return 0;
}

static void conn_handler(xmpp_conn_t *conn, xmpp_conn_event_t status, int error,
                         xmpp_stream_error_t *stream_error, void *userdata)
{
    (void)stream_error;
    (void)userdata;
    if (status == XMPP_CONN_RAW_CONNECT) {
        /* A raw connection ignores XMPP_CONN_FLAG_LEGACY_SSL; its
         * documentation says to call xmpp_conn_tls_start() here for TLS
         * from the start (profanity's register path does not, so its
         * /register cannot use direct TLS). */
        if (strcmp(st.transport, "direct-tls") == 0 && xmpp_conn_tls_start(conn) != 0) {
            finish(0, "TLS failed");
            xmpp_disconnect(conn);
            return;
        }
        xmpp_conn_open_stream_default(conn);
    } else if (status == XMPP_CONN_CONNECT) {
        /* the server's stream header arrived */
        xmpp_handler_add(conn, handle_error, XMPP_NS_STREAMS, "error", NULL, NULL);
        xmpp_handler_add(conn, handle_features, XMPP_NS_STREAMS, "features", NULL, NULL);
    } else if (status == XMPP_CONN_DISCONNECT || status == XMPP_CONN_FAIL) {
        char msg[64];
        snprintf(msg, sizeof msg, "disconnected (error %d)", error);
        finish(0, msg);
    }
}

static void usage(void)
{
    fprintf(stderr, "usage: strophe-driver --port N --ca-file F [--host H] [--domain D]"
                    " [--transport starttls|direct-tls] [--mode probe|form|register]"
                    " [--username U --password-file P] [--timeout S] [--debug]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    xmpp_conn_t *conn;
    xmpp_log_t *log = NULL;
    int i, debug = 0;
    const char *password_file = NULL;
    long flags = XMPP_CONN_FLAG_MANDATORY_TLS;

    st.host = "127.0.0.1";
    st.domain = "localhost";
    st.transport = "starttls";
    st.mode = "probe";
    st.timeout_s = 20.0;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--debug") == 0) { debug = 1; continue; }
        if (!v) usage();
        if (strcmp(a, "--host") == 0) st.host = v;
        else if (strcmp(a, "--port") == 0) st.port = atoi(v);
        else if (strcmp(a, "--domain") == 0) st.domain = v;
        else if (strcmp(a, "--ca-file") == 0) st.ca_file = v;
        else if (strcmp(a, "--transport") == 0) st.transport = v;
        else if (strcmp(a, "--mode") == 0) st.mode = v;
        else if (strcmp(a, "--timeout") == 0) st.timeout_s = atof(v);
        else if (strcmp(a, "--username") == 0) st.username = v;
        else if (strcmp(a, "--password-file") == 0) password_file = v;
        else usage();
        i++;
    }
    if (st.port <= 0 || !st.ca_file
        || (strcmp(st.transport, "starttls") && strcmp(st.transport, "direct-tls"))
        || (strcmp(st.mode, "probe") && strcmp(st.mode, "form") && strcmp(st.mode, "register"))
        || (strcmp(st.mode, "register") == 0 && (!st.username || !password_file)))
        usage();
    if (password_file) {
        FILE *f = fopen(password_file, "r");
        if (!f || !fgets(st.password, sizeof st.password, f)) {
            fprintf(stderr, "strophe-driver: cannot read the password file\n");
            return 1;
        }
        fclose(f);
        st.password[strcspn(st.password, "\r\n")] = '\0';
    }

    xmpp_initialize();
    if (debug)
        log = xmpp_get_default_logger(XMPP_LEVEL_DEBUG);
    st.ctx = xmpp_ctx_new(NULL, log);
    conn = xmpp_conn_new(st.ctx);
    xmpp_conn_set_jid(conn, st.domain);
    xmpp_conn_set_cafile(conn, st.ca_file);
    if (strcmp(st.transport, "direct-tls") == 0)
        flags = XMPP_CONN_FLAG_LEGACY_SSL;   /* see conn_handler */
    xmpp_conn_set_flags(conn, flags);

    clock_gettime(CLOCK_MONOTONIC, &st.t0);
    if (xmpp_connect_raw(conn, st.host, (unsigned short)st.port, conn_handler, NULL) != 0) {
        fprintf(stderr, "strophe-driver: xmpp_connect_raw failed\n");
        return 1;
    }
    while (!st.done) {
        if (ms_since_t0() > st.timeout_s * 1000.0) {
            finish(0, "timeout");
            break;
        }
        xmpp_run_once(st.ctx, 10);
    }
    if (st.done > 0) {
        printf("{\"total_ms\": %.3f, \"client\": \"libstrophe\", \"version\": \"%d.%d\", "
               "\"transport\": \"%s\", \"mode\": \"%s\", \"%s\": \"%s\", \"tls_trust\": \"ca-file\"}\n",
               st.total_ms, LIBXMPP_VERSION_MAJOR, LIBXMPP_VERSION_MINOR, st.transport, st.mode,
               strcmp(st.mode, "form") == 0 ? "form_kind" : "end", st.detail);
        fflush(stdout);
        /* close the stream without waiting for the server's answer */
        xmpp_disconnect(conn);
        for (i = 0; i < 5; i++)
            xmpp_run_once(st.ctx, 1);
    } else {
        fprintf(stderr, "strophe-driver: %s\n", st.detail);
    }
    xmpp_conn_release(conn);
    xmpp_ctx_free(st.ctx);
    xmpp_shutdown();
    return st.done > 0 ? 0 : 1;
}
