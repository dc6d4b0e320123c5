package io.djdeploy.pipeline;

/**
 * Where a tar's entries end, so several git archives (a commit and its submodules) join into
 * one archive: a POSIX tar ends at the first all-zero header block, and `tar -x` stops there,
 * so the end markers of all but the last part must go.
 */
final class TarEntries {
    static final int BLOCK = 512;

    private TarEntries() {}

    /** @return the offset of the end-of-archive marker (or the length when there is none) */
    static int end(byte[] tar) {
        int at = 0;
        while (at + BLOCK <= tar.length) {
            if (zero(tar, at)) return at;
            long size = octal(tar, at + 124, 12);
            at += BLOCK + (int) ((size + BLOCK - 1) / BLOCK) * BLOCK;
        }
        return Math.min(at, tar.length);
    }

    private static boolean zero(byte[] b, int from) {
        for (int i = from; i < from + BLOCK; i++) if (b[i] != 0) return false;
        return true;
    }

    /** A header's number field: octal digits, NUL or space terminated (git writes no base-256 sizes for files under 8 GiB). */
    private static long octal(byte[] b, int from, int len) {
        long v = 0;
        for (int i = from; i < from + len; i++) {
            int c = b[i];
            if (c == 0 || c == ' ') {
                if (v > 0) break;
                continue;
            }
            if (c < '0' || c > '7') throw new IllegalArgumentException("not a tar header at offset " + (from - 124));
            v = v * 8 + (c - '0');
        }
        return v;
    }
}
