package io.djdeploy.remote.ssh;

import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

import java.io.IOException;
import java.io.OutputStream;

/** The SFTP side of an upload: parent directories, and the atomic rename into place. */
final class SftpFiles {
    private SftpFiles() {}

    /** Writes {@code tmp} (new, exclusive) with the content and mode, then renames it over {@code path}; removes it on any failure. */
    static void write(SftpClient sftp, String dir, String tmp, String path, byte[] content, int mode) throws IOException, InterruptedException {
        mkdirs(sftp, dir);
        try {
            try (OutputStream os = sftp.write(tmp, SftpClient.OpenMode.Write, SftpClient.OpenMode.Create,
                    SftpClient.OpenMode.Exclusive)) {
                os.write(content);
            }
            sftp.setStat(tmp, new SftpClient.Attributes().perms(mode & 07777));
            if (Thread.interrupted()) throw new InterruptedException();
            SftpFiles.rename(sftp, tmp, path);
        } catch (IOException | InterruptedException | RuntimeException e) {
            try {
                sftp.remove(tmp);
            } catch (IOException ignored) {
                // it may not exist; nothing else to do
            }
            throw e;
        }
    }

    /** rename(2) semantics: replace the target atomically (OpenSSH's posix-rename extension). */
    static void rename(SftpClient sftp, String from, String to) throws IOException {
        OpenSSHPosixRenameExtension posix = sftp.getExtension(OpenSSHPosixRenameExtension.class);
        if (posix != null && posix.isSupported()) {
            posix.posixRename(from, to);
            return;
        }
        try {
            sftp.rename(from, to, SftpClient.CopyMode.Atomic, SftpClient.CopyMode.Overwrite);
        } catch (SftpException e) {
            // an SFTP v3 server without posix-rename cannot replace: remove, then rename (not atomic)
            sftp.remove(to);
            sftp.rename(from, to);
        }
    }

    static void mkdirs(SftpClient sftp, String dir) throws IOException {
        if (dir.equals(".") || dir.equals("/")) return;
        try {
            SftpClient.Attributes a = sftp.stat(dir);
            if (!a.isDirectory()) throw new IOException(dir + " is not a directory");
            return;
        } catch (SftpException e) {
            if (e.getStatus() != SftpConstants.SSH_FX_NO_SUCH_FILE) throw e;
        }
        int slash = dir.lastIndexOf('/');
        if (slash > 0) mkdirs(sftp, dir.substring(0, slash));
        try {
            sftp.mkdir(dir);
        } catch (SftpException e) {
            // a concurrent upload may have created it
            if (!sftp.stat(dir).isDirectory()) throw e;
        }
    }
}
