package io.jseek.state;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Big-endian streams of the state's arrays, with bulk float transfer (the bits, so restores are exact). */
public final class StateIO {
    private StateIO() {
    }

    public static final class Out extends DataOutputStream {
        private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.BIG_ENDIAN);

        public Out(OutputStream out) {
            super(out);
        }

        public void writeFloats(float[] v, int off, int n) throws IOException {
            for (int i = 0; i < n; ) {
                int k = Math.min(n - i, buf.capacity() / 4);
                buf.clear();
                buf.asFloatBuffer().put(v, off + i, k);
                write(buf.array(), 0, 4 * k);
                i += k;
            }
        }
    }

    public static final class In extends DataInputStream {
        private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.BIG_ENDIAN);

        public In(InputStream in) {
            super(in);
        }

        public void readFloats(float[] v, int off, int n) throws IOException {
            for (int i = 0; i < n; ) {
                int k = Math.min(n - i, buf.capacity() / 4);
                readFully(buf.array(), 0, 4 * k);
                buf.clear();
                buf.asFloatBuffer().get(v, off + i, k);
                i += k;
            }
        }
    }
}
