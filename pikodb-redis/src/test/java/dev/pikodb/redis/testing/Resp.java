package dev.pikodb.redis.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal Redis client for administering test servers (PING, CLUSTER MEET, CONFIG SET, ...),
 * independent of the client under test. One command at a time; replies are {@link String},
 * {@link Long}, {@link List} or {@code null}; an error reply throws {@link IllegalStateException}.
 */
public final class Resp implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    /**
     * Connects to a server.
     *
     * @param port the server's port on 127.0.0.1
     * @param timeoutMillis connect and read timeout
     * @throws UncheckedIOException when it cannot connect
     */
    public Resp(int port, int timeoutMillis) {
        try {
            socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot connect to 127.0.0.1:" + port, e);
        }
    }

    /**
     * Sends a command and reads its reply.
     *
     * @param args the command and its arguments
     * @return the reply
     */
    public Object call(String... args) {
        try {
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.write(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            for (String arg : args) {
                byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
                request.write(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
                request.write(bytes);
                request.write("\r\n".getBytes(StandardCharsets.UTF_8));
            }
            out.write(request.toByteArray());
            out.flush();
            return reply();
        } catch (IOException e) {
            throw new UncheckedIOException("Command " + args[0] + " failed", e);
        }
    }

    /**
     * Sends a command whose reply is text (a status or a bulk string).
     *
     * @param args the command
     * @return the text
     */
    public String text(String... args) {
        return (String) call(args);
    }

    /**
     * How many times the server ran a command since it started or since the last {@code CONFIG
     * RESETSTAT}, counting the commands that scripts ran as well ({@code INFO commandstats}).
     *
     * @param command the command in lower case, e.g. {@code hget}
     * @return its calls, 0 when it never ran
     */
    public long commandCalls(String command) {
        String prefix = "cmdstat_" + command + ":calls=";
        for (String line : text("INFO", "commandstats").split("\r?\n")) {
            if (line.startsWith(prefix)) {
                return Long.parseLong(line.substring(prefix.length(), line.indexOf(',')));
            }
        }
        return 0;
    }

    private Object reply() throws IOException {
        int type = in.read();
        String line = line();
        switch (type) {
            case '+':
                return line;
            case '-':
                throw new IllegalStateException(line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] bytes = in.readNBytes(length + 2);
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    items.add(reply());
                }
                return items;
            }
            default:
                throw new IOException("Unexpected reply type " + type + " " + line);
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\r') {
            if (b < 0) {
                throw new IOException("Connection closed");
            }
            line.write(b);
        }
        in.read();
        return line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to release
        }
    }
}
