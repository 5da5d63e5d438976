package ai.thinkheads.phoenix.testkit.simulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/** A bare HTTPS/1.1 client for tests: sends exact bytes, shows the status line and headers as they came. */
final class RawHttps implements AutoCloseable {

    record Response(int status, String reason, Map<String, String> headers, String body) {
    }

    private final SSLSocket socket;
    private final InputStream in;
    private final OutputStream out;

    RawHttps(SimulatorCertificate trusted, int port) throws Exception {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("sim", trusted.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        socket = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    Response send(String method, String path, Map<String, String> headers, String body) throws IOException {
        Map<String, String> all = new LinkedHashMap<>(headers);
        if (body != null) {
            all.put("Content-Type", "application/x-www-form-urlencoded");
        }
        return sendBytes(method, path, all, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends {@code body} as it is, with exactly {@code headers} plus Host and (for a body) Content-Length. */
    Response sendBytes(String method, String path, Map<String, String> headers, byte[] body) throws IOException {
        StringBuilder sb = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
        byte[] b = body == null ? new byte[0] : body;
        if (body != null) {
            sb.append("Content-Length: ").append(b.length).append("\r\n");
        }
        sb.append("\r\n");
        out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(b);
        out.flush();
        String status = line();
        if (status == null) {
            throw new IOException("connection closed before a status line");
        }
        String[] parts = status.split(" ", 3);
        Map<String, String> h = new LinkedHashMap<>();
        String l;
        while (!(l = line()).isEmpty()) {
            int c = l.indexOf(':');
            h.put(l.substring(0, c).toLowerCase(Locale.ROOT), l.substring(c + 1).strip());
        }
        int len = Integer.parseInt(h.getOrDefault("content-length", "0"));
        String text = new String(in.readNBytes(len), StandardCharsets.UTF_8);
        return new Response(Integer.parseInt(parts[1]), parts.length > 2 ? parts[2] : "", h, text);
    }

    /** True when the server has closed the connection (read returns end of stream or fails). */
    boolean closedByServer() {
        try {
            return in.read() == -1;
        } catch (IOException e) {
            return true;
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                String s = buf.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            buf.write(c);
        }
        return buf.size() == 0 ? null : buf.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
