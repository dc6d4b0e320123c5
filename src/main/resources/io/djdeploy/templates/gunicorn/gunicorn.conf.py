"""gunicorn settings for {{app}}, written by `djdeploy init`.

Install as {{gunicorn_conf}} (root-owned, readable by {{group}}): every web unit and
supervisor program of {{app}} starts gunicorn with --config {{gunicorn_conf}}. What must differ
per instance stays on their command lines: --chdir (the current or color link, so a HUP
reloads the new release) and --bind (each blue-green color has its own socket).
Edit the tunables here; a HUP (or restart) picks them up.
"""
import multiprocessing
import os

# Worker processes: WEB_CONCURRENCY (set it in the env file, or in the unit) wins; otherwise
# gunicorn's rule of thumb, 2 x cores + 1, capped so that a big host does not run out of memory.
workers = int(os.environ.get("WEB_CONCURRENCY") or min(multiprocessing.cpu_count() * 2 + 1, 12))

# A request running longer than this is aborted and its worker replaced. nginx waits a little
# longer ({{proxy_read_timeout}} s, proxy_read_timeout in the site) so that gunicorn's timeout is
# the one that fires and logs the slow request.
timeout = {{gunicorn_timeout}}

# On TERM (stop) and HUP (reload), workers get this long to finish the requests they have. The
# units stop after {{stop_timeout}} s and supervisor waits as long: both are above this.
graceful_timeout = {{graceful_timeout}}

# Keep-alive from nginx: it reuses its connections to the socket for a few seconds.
keepalive = 5

# Restart each worker after max_requests requests (plus a random 0..jitter, so that the
# workers do not all restart at once): a slow memory leak never takes the host down.
max_requests = 1000
max_requests_jitter = 100

# Whose X-Forwarded-* headers gunicorn trusts. nginx runs on this host; over the Unix socket
# gunicorn trusts its peer anyway, this matters only when you bind to a TCP port.
forwarded_allow_ips = "127.0.0.1,::1"

# Access log to stdout: journald (systemd) or the program's log file (supervisor) keeps it.
accesslog = "-"
