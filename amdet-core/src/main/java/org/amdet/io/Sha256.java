package org.amdet.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 in lower-case hex, of bytes in memory or of the whole of an open file channel. */
public final class Sha256 {
    private Sha256() {
    }

    /** SHA-256 of {@code bytes}. */
    public static String of(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    /**
     * SHA-256 of the whole of {@code ch}, read with positional reads (the channel's position and its mappings are
     * unaffected), so it hashes the very file the caller's mappings come from even if its name now points elsewhere.
     */
    public static String of(FileChannel ch) throws IOException {
        MessageDigest md = digest();
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        long size = ch.size();
        for (long pos = 0; pos < size; ) {
            buf.clear();
            int r = ch.read(buf, pos);
            if (r < 0) {
                throw new IOException("file ended at byte " + pos + " of " + size + " while being hashed");
            }
            md.update(buf.array(), 0, r);
            pos += r;
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
