package io.jseek.state;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * A saved decode state with the token ids it consumed (the persistent prompt cache). Big-endian:
 * <pre>
 * magic "JSKSTATE" | version u32 | model identity [32] | kv layout (UTF) | tokens u32 | payload length u64
 * | token ids [tokens × u32] | payload ({@link DecodeState#write}) | CRC32C u32 of everything before it
 * </pre>
 * Files are written to a temporary name, fsynced and renamed atomically, so a crash leaves either
 * the old file or the complete new one. Reading checks length, checksum, version, model and layout
 * before touching the payload; anything wrong is an {@link Invalid} and the file is never used.
 */
public final class StateFile {
    public static final int VERSION = 1;
    private static final byte[] MAGIC = "JSKSTATE".getBytes(StandardCharsets.US_ASCII);
    public static final String SUFFIX = ".jstate";

    /** A file that is not a usable state for this model: truncated, corrupted, foreign or of another version. */
    public static final class Invalid extends IOException {
        public Invalid(String message) {
            super(message);
        }
    }

    /** What the header says (read without checking the checksum). */
    public record Header(byte[] identity, String layout, int tokens, long payloadLength, long headerLength) {
        long fileLength() {
            return headerLength + 4L * tokens + payloadLength + 4;
        }
    }

    private StateFile() {
    }

    /** Writes {@code state}, which consumed {@code tokens[0..n)}, to {@code file} atomically. */
    public static void write(Path file, byte[] identity, int[] tokens, int n, DecodeState state) throws IOException {
        long payload = payloadLength(state);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            CRC32C crc = new CRC32C();
            StateIO.Out out = new StateIO.Out(new CheckedOutputStream(new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16), crc));
            out.write(MAGIC);
            out.writeInt(VERSION);
            out.write(identity);
            out.writeUTF(state.layout().id);
            out.writeInt(n);
            out.writeLong(payload);
            for (int i = 0; i < n; i++) out.writeInt(tokens[i]);
            state.write(out);
            out.writeInt((int) crc.getValue());
            out.flush();
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        syncDirectory(file.toAbsolutePath().getParent());
    }

    /** Reads and checks the header only (cheap: for indexing a cache directory). */
    public static Header header(Path file) throws IOException {
        long size = Files.size(file);
        try (StateIO.In in = new StateIO.In(new BufferedInputStream(Files.newInputStream(file), 4096))) {
            Header h = readHeader(in);
            if (h.fileLength() != size) throw new Invalid("truncated or padded: " + size + " bytes, header says " + h.fileLength());
            return h;
        } catch (java.io.EOFException e) {
            throw new Invalid("truncated header");
        }
    }

    /**
     * Restores {@code file} into {@code fresh} (a new state of the expected model and layout) and
     * returns the token ids it covers.
     */
    public static int[] read(Path file, byte[] identity, DecodeState fresh) throws IOException {
        Header h = header(file);
        if (!Arrays.equals(h.identity, identity)) throw new Invalid("saved by another model");
        if (!h.layout.equals(fresh.layout().id)) throw new Invalid("kv layout " + h.layout + ", expected " + fresh.layout().id);
        // the whole file is checksummed before any of it is used
        CRC32C crc = new CRC32C();
        try (InputStream in = new CheckedInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16), crc)) {
            long left = h.fileLength() - 4;
            byte[] buf = new byte[1 << 16];
            while (left > 0) {
                int k = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (k < 0) throw new Invalid("truncated");
                left -= k;
            }
            int computed = (int) crc.getValue();
            int stored = ((in.read() & 0xFF) << 24) | ((in.read() & 0xFF) << 16) | ((in.read() & 0xFF) << 8) | (in.read() & 0xFF);
            if (computed != stored) throw new Invalid("checksum mismatch");
        }
        try (StateIO.In in = new StateIO.In(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            readHeader(in);
            int[] tokens = new int[h.tokens];
            for (int i = 0; i < tokens.length; i++) tokens[i] = in.readInt();
            fresh.read(in);
            if (fresh.position() != h.tokens) throw new Invalid("state position " + fresh.position() + " but " + h.tokens + " tokens");
            return tokens;
        } catch (RuntimeException e) {
            throw new Invalid("malformed payload: " + e);
        }
    }

    private static Header readHeader(StateIO.In in) throws IOException {
        byte[] magic = new byte[MAGIC.length];
        in.readFully(magic);
        if (!Arrays.equals(magic, MAGIC)) throw new Invalid("not a jseek state file");
        int version = in.readInt();
        if (version != VERSION) throw new Invalid("format version " + version + ", expected " + VERSION);
        byte[] id = new byte[32];
        in.readFully(id);
        String layout = in.readUTF();
        int tokens = in.readInt();
        long payload = in.readLong();
        if (tokens < 1 || payload < 0) throw new Invalid("bad header");
        long headerLength = MAGIC.length + 4 + 32 + 2 + layout.getBytes(StandardCharsets.UTF_8).length + 4 + 8;
        return new Header(id, layout, tokens, payload, headerLength);
    }

    private static long payloadLength(DecodeState state) throws IOException {
        long[] n = {0};
        OutputStream counter = new OutputStream() {
            @Override
            public void write(int b) {
                n[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                n[0] += len;
            }
        };
        StateIO.Out out = new StateIO.Out(counter);
        state.write(out);
        out.flush();
        return n[0];
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // not every platform can fsync a directory; the rename itself is still atomic
        }
    }
}
