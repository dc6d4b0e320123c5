package io.djdeploy.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway MariaDB server for tests (Debian's mariadb-server, not its system service): a
 * datadir in a temp dir, a unix socket there for the test's own root access, 127.0.0.1 on a
 * free port for the app, and a password-protected user owning the app's database.
 */
final class MariaDb implements AutoCloseable {
    final Path dir;
    final int port;
    final String db = "demo";
    final String user = "demo";
    final String password = "my-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
    private final Process server;

    MariaDb() throws IOException, InterruptedException {
        dir = Files.createTempDirectory("djdeploy-mariadb-");
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Postgres.run("mariadb-install-db", "--no-defaults", "--datadir=" + dir.resolve("data"), "--user=root",
                "--auth-root-authentication-method=socket", "--skip-test-db");
        // small buffers and no fsync: a test server, thrown away afterwards
        server = new ProcessBuilder("mariadbd", "--no-defaults", "--datadir=" + dir.resolve("data"), "--user=root",
                "--socket=" + socket(), "--port=" + port, "--bind-address=127.0.0.1", "--pid-file=" + dir.resolve("pid"),
                "--log-error=" + dir.resolve("log"), "--skip-log-bin", "--innodb-buffer-pool-size=32M",
                "--innodb-log-file-size=8M", "--innodb-flush-log-at-trx-commit=0", "--skip-name-resolve")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            for (int i = 0; i < 300 && !Files.exists(socket()); i++) {
                if (!server.isAlive()) throw new IOException("mariadbd exited: " + Files.readString(dir.resolve("log")));
                Thread.sleep(100);
            }
            sql("CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + password + "'");
            resetDatabase();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    Path socket() {
        return dir.resolve("sock");
    }

    void resetDatabase() throws IOException, InterruptedException {
        sql("DROP DATABASE IF EXISTS " + db + "; CREATE DATABASE " + db + " CHARACTER SET utf8mb4; GRANT ALL ON " + db + ".* TO '" + user + "'@'%'");
    }

    /** Runs SQL as root over the socket; returns tab-separated rows without headers. */
    String sql(String sql) throws IOException, InterruptedException {
        return Postgres.run("mariadb", "--no-defaults", "-S", socket().toString(), "-u", "root", "-N", "-B", "-e", sql).strip();
    }

    String query(String sql) throws IOException, InterruptedException {
        return Postgres.run("mariadb", "--no-defaults", "-S", socket().toString(), "-u", "root", "-N", "-B", db, "-e", sql).strip();
    }

    /** Lines for the example app's env file. */
    String envLines() {
        return "DB_ENGINE=mysql\nDB_NAME=" + db + "\nDB_USER=" + user + "\nDB_PASSWORD=" + password
                + "\nDB_HOST=127.0.0.1\nDB_PORT=" + port + "\n";
    }

    @Override
    public void close() throws IOException, InterruptedException {
        server.destroy();
        if (!server.waitFor(60, TimeUnit.SECONDS)) server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        List<String> rm = new ArrayList<>(List.of("rm", "-rf", dir.toString()));
        Postgres.run(rm.toArray(String[]::new));
    }
}
