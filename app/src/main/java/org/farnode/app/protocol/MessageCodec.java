package org.farnode.app.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import org.farnode.app.protocol.PeerMessage.CloseSession;
import org.farnode.app.protocol.PeerMessage.ErrorReply;
import org.farnode.app.protocol.PeerMessage.Forward;
import org.farnode.app.protocol.PeerMessage.ForwardResult;
import org.farnode.app.protocol.PeerMessage.Hello;
import org.farnode.app.protocol.PeerMessage.OpenSession;
import org.farnode.app.protocol.PeerMessage.Ping;
import org.farnode.app.protocol.PeerMessage.Pong;
import org.farnode.app.protocol.PeerMessage.SessionClosed;
import org.farnode.app.protocol.PeerMessage.SessionOpened;
import org.farnode.app.protocol.PeerMessage.Truncate;
import org.farnode.app.protocol.PeerMessage.Truncated;
import org.farnode.app.protocol.PeerMessage.Welcome;

/**
 * The byte layout of every {@link PeerMessage}, written once. All integers are big-endian.
 *
 * <pre>
 * frame:  u32 length | u8 type | body          (length counts type and body, not itself)
 * string: u16 byte count | UTF-8 bytes
 * bytes:  u32 byte count | bytes
 *
 * type  message         body
 *  1    Hello           u16 version | 32B model id
 *  2    Welcome         u16 version | string node id | 32B model id | u32 first layer | u32 end layer
 *                       | string backend | u64 free KV bytes | u32 open sessions
 *  3    OpenSession     u64 session | u8 codec | 32 bytes calibration hash (zeros: none)
 *  4    SessionOpened   u64 session | u8 codec | u32 context length
 *  5    Forward         u64 session | u32 start position | u32 positions | u8 codec | bytes payload
 *  6    ForwardResult   (as Forward)
 *  7    Truncate        u64 session | u32 length
 *  8    Truncated       u64 session | u32 length
 *  9    CloseSession    u64 session
 * 10    SessionClosed   u64 session | u64 bytes received | u64 bytes sent | u32 windows | u64 positions
 * 11    Ping            u64 nonce
 * 12    Pong            u64 nonce
 * 15    ErrorReply      u64 session | u16 code | string message
 * </pre>
 */
public final class MessageCodec {
    /** Bytes of the length prefix. */
    public static final int LENGTH_BYTES = 4;
    private static final int MAX_STRING_BYTES = 0xFFFF;

    private MessageCodec() {
    }

    /** Writes {@code message} as one whole frame, length prefix included. */
    public static void encode(PeerMessage message, ByteBuf out) {
        int lengthAt = out.writerIndex();
        out.writeInt(0); // patched below, once the body is written
        switch (message) {
            case Hello m -> {
                out.writeByte(1).writeShort(m.protocolVersion());
                out.writeBytes(m.modelId().sha256());
            }
            case Welcome m -> {
                out.writeByte(2).writeShort(m.protocolVersion());
                writeString(out, m.nodeId());
                out.writeBytes(m.modelId().sha256());
                out.writeInt(m.firstLayer()).writeInt(m.endLayer());
                writeString(out, m.backend());
                out.writeLong(m.freeKvBytes()).writeInt(m.openSessions());
            }
            case OpenSession m -> out.writeByte(3).writeLong(m.sessionId()).writeByte(m.codecId()).writeBytes(m.calibrationHash());
            case SessionOpened m -> out.writeByte(4).writeLong(m.sessionId()).writeByte(m.codecId()).writeInt(m.contextLength());
            case Forward m -> writeWindow(out, 5, m);
            case ForwardResult m -> writeWindow(out, 6, m);
            case Truncate m -> out.writeByte(7).writeLong(m.sessionId()).writeInt(m.length());
            case Truncated m -> out.writeByte(8).writeLong(m.sessionId()).writeInt(m.length());
            case CloseSession m -> out.writeByte(9).writeLong(m.sessionId());
            case SessionClosed m -> out.writeByte(10).writeLong(m.sessionId()).writeLong(m.bytesReceived())
                    .writeLong(m.bytesSent()).writeInt(m.windows()).writeLong(m.positions());
            case Ping m -> out.writeByte(11).writeLong(m.nonce());
            case Pong m -> out.writeByte(12).writeLong(m.nonce());
            case ErrorReply m -> {
                out.writeByte(15).writeLong(m.sessionId()).writeShort(m.code().code());
                writeString(out, m.message());
            }
        }
        out.setInt(lengthAt, out.writerIndex() - lengthAt - LENGTH_BYTES);
    }

    /**
     * Reads one message from {@code frame}, which holds exactly a frame's type and body (the
     * length prefix already taken off).
     *
     * @throws ProtocolException naming what is wrong when the bytes are not a valid message
     */
    public static PeerMessage decode(ByteBuf frame) {
        int type = frame.readUnsignedByte();
        try {
            PeerMessage message = switch (type) {
                case 1 -> new Hello(frame.readUnsignedShort(), readModelId(frame));
                case 2 -> new Welcome(frame.readUnsignedShort(), readString(frame), readModelId(frame), frame.readInt(),
                        frame.readInt(), readString(frame), frame.readLong(), frame.readInt());
                case 3 -> new OpenSession(frame.readLong(), frame.readUnsignedByte(), readBytes(frame, OpenSession.HASH_BYTES));
                case 4 -> new SessionOpened(frame.readLong(), frame.readUnsignedByte(), frame.readInt());
                case 5 -> new Forward(frame.readLong(), frame.readInt(), frame.readInt(), frame.readUnsignedByte(), readBytes(frame));
                case 6 -> new ForwardResult(frame.readLong(), frame.readInt(), frame.readInt(), frame.readUnsignedByte(), readBytes(frame));
                case 7 -> new Truncate(frame.readLong(), frame.readInt());
                case 8 -> new Truncated(frame.readLong(), frame.readInt());
                case 9 -> new CloseSession(frame.readLong());
                case 10 -> new SessionClosed(frame.readLong(), frame.readLong(), frame.readLong(), frame.readInt(), frame.readLong());
                case 11 -> new Ping(frame.readLong());
                case 12 -> new Pong(frame.readLong());
                case 15 -> new ErrorReply(frame.readLong(), ErrorCode.of(frame.readUnsignedShort()), readString(frame));
                default -> throw new ProtocolException(ErrorCode.UNKNOWN_MESSAGE_TYPE,
                        "unknown message type " + type + " (this node speaks protocol version "
                                + PeerMessage.PROTOCOL_VERSION + ": types 1-12 and 15)");
            };
            if (frame.isReadable()) {
                throw new ProtocolException(ErrorCode.MALFORMED_FRAME, "message type " + type + " has "
                        + frame.readableBytes() + " bytes left over after its body");
            }
            return message;
        } catch (IndexOutOfBoundsException e) {
            throw new ProtocolException(ErrorCode.MALFORMED_FRAME, "message type " + type + " ends before its body does");
        }
    }

    /** Bytes {@link #encode} writes for {@code message}, length prefix included. */
    public static int frameSize(PeerMessage message) {
        int body = switch (message) {
            case Hello m -> 2 + ModelId.BYTES;
            case Welcome m -> 2 + stringSize(m.nodeId()) + ModelId.BYTES + 8 + stringSize(m.backend()) + 12;
            case OpenSession m -> 9 + OpenSession.HASH_BYTES;
            case SessionOpened m -> 13;
            case Forward m -> 21 + m.payloadLength();
            case ForwardResult m -> 21 + m.payloadLength();
            case Truncate m -> 12;
            case Truncated m -> 12;
            case CloseSession m -> 8;
            case SessionClosed m -> 36;
            case Ping m -> 8;
            case Pong m -> 8;
            case ErrorReply m -> 10 + stringSize(m.message());
        };
        return LENGTH_BYTES + 1 + body;
    }

    private static void writeWindow(ByteBuf out, int type, PeerMessage.Window window) {
        out.writeByte(type).writeLong(window.sessionId()).writeInt(window.startPosition()).writeInt(window.positions())
                .writeByte(window.codecId());
        out.writeInt(window.payloadLength()).writeBytes(window.payloadView());
    }

    private static void writeString(ByteBuf out, String text) {
        byte[] bytes = utf8(text);
        out.writeShort(bytes.length).writeBytes(bytes);
    }

    private static int stringSize(String text) {
        return 2 + utf8(text).length;
    }

    private static byte[] utf8(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_STRING_BYTES) {
            throw new IllegalArgumentException("a protocol string holds at most " + MAX_STRING_BYTES
                    + " UTF-8 bytes, got " + bytes.length);
        }
        return bytes;
    }

    private static String readString(ByteBuf in) {
        int length = in.readUnsignedShort();
        return in.readCharSequence(length, StandardCharsets.UTF_8).toString();
    }

    private static ModelId readModelId(ByteBuf in) {
        return new ModelId(readBytes(in, ModelId.BYTES));
    }

    /** The next {@code count} bytes: a field of fixed size (a short frame fails the read, as any other field). */
    private static byte[] readBytes(ByteBuf in, int count) {
        byte[] bytes = new byte[count];
        in.readBytes(bytes);
        return bytes;
    }

    private static byte[] readBytes(ByteBuf in) {
        long length = in.readUnsignedInt();
        if (length > in.readableBytes()) {
            throw new ProtocolException(ErrorCode.MALFORMED_FRAME, "a payload of " + length
                    + " bytes is longer than the " + in.readableBytes() + " bytes left in its frame");
        }
        byte[] bytes = new byte[(int) length];
        in.readBytes(bytes);
        return bytes;
    }
}
