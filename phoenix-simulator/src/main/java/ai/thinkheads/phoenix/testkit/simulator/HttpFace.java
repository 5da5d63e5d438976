package ai.thinkheads.phoenix.testkit.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulator's HTTPS face: a small HTTP/1.1 server on loopback that speaks {@code /api2/json}
 * the way pveproxy does, in front of an {@link ApiRouter}.
 *
 * <p>Why its own server rather than the JDK's: PVE puts the error text in the status line's reason
 * phrase (pve-http-server {@code AnyEvent.pm::response}), which {@code com.sun.net.httpserver}
 * cannot do; and pveproxy closes idle keep-alive connections after a few seconds, which clients
 * must survive, so this server does the same ({@code keepAliveIdle}, 5 s by default). Faults from
 * {@link HttpFaults} can delay, fail or reset any request.
 *
 * <p>Authentication follows pve-manager {@code PVE/HTTPServer.pm} auth_handler: {@code
 * /access/ticket} is open; other calls need the {@code PVEAuthCookie} ticket (and, on writes, the
 * {@code CSRFPreventionToken} header) or an {@code Authorization: PVEAPIToken=...} header. Failures
 * are 401 with an empty body and the reason {@code No ticket}, {@code Authentication failed!} or
 * {@code Permission denied - invalid csrf token}. (PVE also delays 401 answers by 3 s; the
 * simulator does not, to keep tests fast.)
 */
public final class HttpFace implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpFace.class);
    private static final String PREFIX = "/api2/json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final java.util.regex.Pattern VM_PATH = java.util.regex.Pattern.compile("^/nodes/[^/]+/qemu/(\\d+)");
    private static final java.util.regex.Pattern UPLOAD_PATH = java.util.regex.Pattern.compile("^/nodes/[^/]+/storage/[^/]+/upload/?$");
    /** The largest upload the simulator keeps in memory. */
    private static final long MAX_UPLOAD_BYTES = 256L << 20;

    private final SimulatorCertificate certificate;
    private final SimulatorAuth auth;
    private final ApiRouter router;
    private final HttpFaults faults;
    private final Duration keepAliveIdle;
    private final long maxBodyBytes;
    private final String clusterName;

    private final ExecutorService connections = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "pve-sim-http");
        t.setDaemon(true);
        return t;
    });
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong requests = new AtomicLong();
    private volatile SSLServerSocket server;
    private volatile boolean closed;

    HttpFace(SimulatorCertificate certificate, SimulatorAuth auth, ApiRouter router, HttpFaults faults,
             Duration keepAliveIdle, long maxBodyBytes, String clusterName) {
        this.certificate = Objects.requireNonNull(certificate);
        this.auth = Objects.requireNonNull(auth);
        this.router = Objects.requireNonNull(router);
        this.faults = Objects.requireNonNull(faults);
        this.keepAliveIdle = keepAliveIdle;
        this.maxBodyBytes = maxBodyBytes;
        this.clusterName = clusterName;
    }

    /** Binds to {@code 127.0.0.1:port} (0 for an ephemeral port) and starts accepting. */
    HttpFace start(int port) throws IOException {
        SSLServerSocket s = (SSLServerSocket) certificate.serverContext().getServerSocketFactory()
                .createServerSocket(port, 128, InetAddress.getLoopbackAddress());
        s.setReuseAddress(true);
        this.server = s;
        Thread acceptor = new Thread(this::acceptLoop, "pve-sim-http-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return this;
    }

    /** {@code https://127.0.0.1:<port>} */
    public String baseUrl() {
        return "https://127.0.0.1:" + port();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Requests served (or faulted) since start. */
    public long requestCount() {
        return requests.get();
    }

    @Override
    public void close() {
        closed = true;
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : open) {
            closeQuietly(s);
        }
        connections.shutdownNow();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket socket = server.accept();
                open.add(socket);
                connections.execute(() -> serve((SSLSocket) socket));
            } catch (IOException e) {
                if (!closed) {
                    LOG.debug("accept failed: {}", e.toString());
                }
            }
        }
    }

    private void serve(SSLSocket socket) {
        try (socket) {
            socket.setSoTimeout((int) keepAliveIdle.toMillis());
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (!closed) {
                RawRequest raw;
                try {
                    raw = readRequest(in);
                } catch (SocketTimeoutException | EOFException e) {
                    return; // idle keep-alive connection: close it, as pveproxy does
                }
                if (raw == null) {
                    return;
                }
                requests.incrementAndGet();
                Optional<HttpFault> fault = faults.decide(raw.method, raw.apiPath());
                faults.pause(faults.latency());
                if (fault.isPresent()) {
                    HttpFault f = fault.get();
                    faults.pause(f.delay());
                    if (f.reset()) {
                        socket.setSoLinger(true, 0);
                        LOG.debug("{} {} -> connection reset (fault)", raw.method, raw.path);
                        return;
                    }
                    if (!f.serves()) {
                        write(out, ApiResponse.error(f.status(), f.message() + "\n"), raw.keepAlive, false);
                        continue;
                    }
                }
                Reply reply = handle(raw);
                LOG.debug("{} {} -> {}", raw.method, raw.path, reply.response.status());
                write(out, reply.response, raw.keepAlive, reply.emptyBody);
                if (!raw.keepAlive) {
                    return;
                }
            }
        } catch (SocketException e) {
            LOG.trace("connection closed: {}", e.toString());
        } catch (IOException e) {
            LOG.debug("connection failed: {}", e.toString());
        } finally {
            open.remove(socket);
        }
    }

    private record Reply(ApiResponse response, boolean emptyBody) {
    }

    private Reply handle(RawRequest raw) {
        if (!raw.path.equals(PREFIX) && !raw.path.startsWith(PREFIX + "/")) {
            return new Reply(ApiResponse.error(501, "no such uri\n"), true);
        }
        String rel = raw.apiPath();
        Map<String, List<String>> params = raw.params();
        String userId;
        if (rel.equals("/access/ticket") && (raw.method.equals("POST") || raw.method.equals("GET"))) {
            if (raw.method.equals("GET")) {
                return new Reply(ApiResponse.ok(null), false);
            }
            return new Reply(login(params), false);
        }
        String ticket = cookie(raw.headers.get("cookie"), "PVEAuthCookie");
        String authorization = raw.headers.get("authorization");
        if (ticket == null && authorization != null && authorization.startsWith("PVEAuthCookie=")) {
            ticket = URLDecoder.decode(authorization.substring("PVEAuthCookie=".length()), StandardCharsets.UTF_8);
        }
        if (ticket != null) {
            Optional<String> user = auth.verifyTicket(ticket);
            if (user.isEmpty()) {
                return unauthorized("Authentication failed!");
            }
            userId = user.get();
            if (!raw.method.equals("GET") && !auth.verifyCsrf(userId, raw.headers.get("csrfpreventiontoken"))) {
                return unauthorized("Permission denied - invalid csrf token");
            }
        } else if (authorization != null && (authorization.startsWith("PVEAPIToken=") || authorization.startsWith("PVEAPIToken "))) {
            Optional<String> token = auth.verifyApiToken(authorization.substring("PVEAPIToken=".length()).strip());
            if (token.isEmpty()) {
                return unauthorized("Authentication failed!");
            }
            userId = token.get();
        } else {
            return unauthorized("No ticket");
        }
        if (!raw.method.equals("GET") && auth.isReadOnly(userId)) {
            // pve-access-control check_api2_permissions → raise_perm_exc("$path, $privs")
            java.util.regex.Matcher vm = VM_PATH.matcher(rel);
            String object = vm.find() ? "/vms/" + vm.group(1) : "/";
            return new Reply(ApiResponse.error(403, "Permission check failed (" + object + ", VM.Allocate)\n"), false);
        }
        if (isUpload(raw)) {
            return upload(raw, rel, params, userId);
        }
        return new Reply(router.dispatch(new ApiRequest(raw.method, rel, params, userId)), false);
    }

    /** pve-http-server AnyEvent.pm: {@code isUpload} for {@code POST .../storage/{storage}/upload}. */
    private static boolean isUpload(RawRequest raw) {
        return raw.method.equals("POST") && UPLOAD_PATH.matcher(raw.apiPath()).matches();
    }

    /**
     * pveproxy's upload path (pve-http-server {@code AnyEvent.pm}): a {@code multipart/form-data}
     * body with a Content-Length, parsed by {@link MultipartUpload}; the file goes to a temporary
     * file named in {@code tmpfilename} (which the query must not set), the fields join the query's
     * parameters, and the connection is closed after the answer ({@code keep_alive = 0}).
     */
    private Reply upload(RawRequest raw, String rel, Map<String, List<String>> query, String userId) {
        raw.keepAlive = false;
        String ctype = raw.headers.get("content-type");
        String boundary = MultipartUpload.boundary(ctype);
        if (boundary == null) {
            return new Reply(ApiResponse.error(500, "upload 'Content-Type '" + ctype + "' not implemented\n"), false);
        }
        if (!raw.headers.containsKey("content-length")) {
            return new Reply(ApiResponse.error(500, "upload without content length header not supported\n"), false);
        }
        if (query.containsKey("tmpfilename")) {
            return new Reply(ApiResponse.error(500, "'tmpfilename' query parameter is not allowed for file uploads\n"), false);
        }
        MultipartUpload.Parsed parsed;
        try {
            parsed = MultipartUpload.parse(raw.body, boundary);
        } catch (MultipartUpload.Refused e) {
            return new Reply(ApiResponse.error(500, e.getMessage() + "\n"), false);
        }
        Map<String, List<String>> params = new LinkedHashMap<>(query);
        parsed.fields().forEach((k, v) -> params.put(k, List.of(v)));
        String tmp = router.uploadedFiles().store(parsed.file());
        params.put("tmpfilename", List.of(tmp));
        try {
            return new Reply(router.dispatch(new ApiRequest(raw.method, rel, params, userId)), false);
        } finally {
            router.uploadedFiles().take(tmp); // pveproxy unlinks the temporary file after the request
        }
    }

    private ApiResponse login(Map<String, List<String>> params) {
        String username = last(params.get("username"));
        String realm = last(params.get("realm"));
        if (username != null && realm != null && !username.contains("@")) {
            username = username + "@" + realm;
        }
        Optional<SimulatorAuth.Login> login = auth.login(username, last(params.get("password")), last(params.get("otp")));
        if (login.isEmpty()) {
            // pve-access-control PVE/API2/AccessControl.pm create_ticket
            return ApiResponse.error(401, "authentication failure\n");
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("username", login.get().userId());
        data.put("ticket", login.get().ticket());
        data.put("CSRFPreventionToken", login.get().csrfToken());
        data.put("clustername", clusterName);
        data.put("cap", Map.of("vms", Map.of("VM.Allocate", 1, "VM.Config.Disk", 1, "VM.PowerMgmt", 1)));
        return ApiResponse.ok(data);
    }

    private static Reply unauthorized(String reason) {
        return new Reply(ApiResponse.error(401, reason + "\n"), true);
    }

    private static String last(List<String> values) {
        return values == null || values.isEmpty() ? null : values.get(values.size() - 1);
    }

    private static String cookie(String header, String name) {
        if (header == null) {
            return null;
        }
        for (String part : header.split(";")) {
            String p = part.strip();
            if (p.startsWith(name + "=")) {
                return URLDecoder.decode(p.substring(name.length() + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private void write(OutputStream out, ApiResponse response, boolean keepAlive, boolean emptyBody) throws IOException {
        byte[] body = emptyBody ? new byte[0] : JSON.writeValueAsBytes(envelope(response));
        String reason = response.reason();
        if (reason == null || reason.contains("\r") || reason.contains("\n")) {
            reason = standardReason(response.status());
        }
        StringBuilder head = new StringBuilder()
                .append("HTTP/1.1 ").append(response.status()).append(' ').append(reason).append("\r\n")
                .append("Server: pve-api-daemon/3.0\r\n")
                .append("Cache-Control: max-age=0\r\n")
                .append("Connection: ").append(keepAlive ? "Keep-Alive" : "close").append("\r\n")
                .append("Pragma: no-cache\r\n");
        if (!emptyBody) {
            head.append("Content-Type: application/json;charset=UTF-8\r\n");
        }
        head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    /** {@code {"data": ...}} plus {@code errors} and {@code message} for errors (Formatter/Standard.pm). */
    static JsonNode envelope(ApiResponse response) {
        ObjectNode root = JSON.createObjectNode();
        root.set("data", JSON.valueToTree(response.data()));
        if (!response.errors().isEmpty()) {
            root.set("errors", JSON.valueToTree(response.errors()));
        }
        if (!response.isSuccess()) {
            root.put("message", response.message() == null ? standardReason(response.status()) : response.message());
        }
        return root;
    }

    private static String standardReason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 503 -> "Service Unavailable";
            default -> "Error";
        };
    }


    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // best effort
        }
    }

    // ---- request parsing --------------------------------------------------------------------

    private static final class RawRequest {
        String method;
        String path;
        String query;
        Map<String, String> headers = new LinkedHashMap<>();
        byte[] body = new byte[0];
        boolean keepAlive = true;

        String apiPath() {
            String rel = path.startsWith(PREFIX) ? path.substring(PREFIX.length()) : path;
            return rel.isEmpty() ? "/" : rel;
        }

        Map<String, List<String>> params() {
            Map<String, List<String>> params = new LinkedHashMap<>();
            if (query != null) {
                parseForm(query, params);
            }
            String type = headers.getOrDefault("content-type", "").toLowerCase(Locale.ROOT);
            if (body.length > 0 && !isUpload(this)) { // an upload's body is taken apart by upload()
                if (type.startsWith("application/json")) {
                    parseJson(body, params);
                } else {
                    parseForm(new String(body, StandardCharsets.UTF_8), params);
                }
            }
            return params;
        }
    }

    private RawRequest readRequest(InputStream in) throws IOException {
        String requestLine = readLine(in, true);
        if (requestLine == null) {
            return null;
        }
        String[] parts = requestLine.split(" ");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
            throw new IOException("malformed request line");
        }
        RawRequest r = new RawRequest();
        r.method = parts[0];
        int q = parts[1].indexOf('?');
        r.path = q < 0 ? parts[1] : parts[1].substring(0, q);
        r.query = q < 0 ? null : parts[1].substring(q + 1);
        int total = requestLine.length();
        String line;
        while ((line = readLine(in, false)) != null && !line.isEmpty()) {
            total += line.length();
            if (total > MAX_HEADER_BYTES) {
                throw new IOException("headers too large");
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                r.headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
            }
        }
        String connection = r.headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT);
        r.keepAlive = !connection.contains("close") && !parts[2].equals("HTTP/1.0");
        if ("chunked".equalsIgnoreCase(r.headers.get("transfer-encoding"))) {
            r.body = readChunked(in);
        } else if (r.headers.containsKey("content-length")) {
            long length = Long.parseLong(r.headers.get("content-length"));
            // pveproxy limits form posts, not file uploads (which it streams to a file)
            long limit = isUpload(r) ? Math.max(maxBodyBytes, MAX_UPLOAD_BYTES) : maxBodyBytes;
            if (length > limit) {
                throw new IOException("body too large: " + length);
            }
            r.body = in.readNBytes((int) length);
            if (r.body.length != length) {
                throw new EOFException();
            }
        }
        return r;
    }

    private byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in, false);
            if (sizeLine == null) {
                throw new EOFException();
            }
            int semi = sizeLine.indexOf(';');
            int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).strip(), 16);
            if (size == 0) {
                while (true) {
                    String trailer = readLine(in, false);
                    if (trailer == null || trailer.isEmpty()) {
                        return out.toByteArray();
                    }
                }
            }
            if (out.size() + (long) size > maxBodyBytes) {
                throw new IOException("body too large");
            }
            out.write(in.readNBytes(size));
            readLine(in, false);
        }
    }

    /** Reads a CRLF-terminated line; null at a clean end of stream before any byte. */
    private static String readLine(InputStream in, boolean firstOfRequest) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                byte[] bytes = buf.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            }
            buf.write(c);
            if (buf.size() > MAX_HEADER_BYTES) {
                throw new IOException("line too long");
            }
        }
        if (buf.size() == 0 && firstOfRequest) {
            return null;
        }
        throw new EOFException();
    }

    static void parseForm(String text, Map<String, List<String>> into) {
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            into.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
    }

    private static void parseJson(byte[] body, Map<String, List<String>> into) {
        try {
            JsonNode node = JSON.readTree(body);
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                List<String> values = into.computeIfAbsent(e.getKey(), x -> new ArrayList<>());
                if (e.getValue().isArray()) {
                    e.getValue().forEach(v -> values.add(v.asText()));
                } else {
                    values.add(e.getValue().asText());
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed JSON body", e);
        }
    }

    /** For tests: the address a client should use. */
    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port());
    }

}
