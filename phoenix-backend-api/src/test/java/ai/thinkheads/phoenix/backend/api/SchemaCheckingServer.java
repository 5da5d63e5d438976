package ai.thinkheads.phoenix.backend.api;

import ai.thinkheads.phoenix.testkit.schema.PveApiReference;
import ai.thinkheads.phoenix.testkit.schema.PveApiSchema;
import ai.thinkheads.phoenix.testkit.schema.SchemaViolation;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocketFactory;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;

/**
 * A MockWebServer that validates EVERY request it receives against both PVE API schemas (8.4 and
 * 9.1) before answering from its queue. {@link #close()} fails the test if any request broke
 * either schema; {@link SchemaCoverage} counts what was checked.
 */
final class SchemaCheckingServer implements AutoCloseable {

    private static final String PREFIX = "/api2/json";

    private final MockWebServer server = new MockWebServer();
    private final LinkedBlockingQueue<MockResponse> queue = new LinkedBlockingQueue<>();
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final List<RecordedRequest> received = Collections.synchronizedList(new ArrayList<>());

    private volatile Runnable hook = () -> { };

    /** Runs {@code action} on the server thread as each request arrives, before it is answered. */
    void onRequest(Runnable action) {
        this.hook = action;
    }

    SchemaCheckingServer() {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                received.add(request);
                hook.run();
                try {
                    check(request);
                } catch (RuntimeException | Error e) {
                    violations.add("could not check " + request.getRequestLine() + ": " + e);
                    return error(500, "schema check failed", "{\"data\":null}");
                }
                MockResponse next = queue.poll();
                if (next == null) {
                    violations.add("no response queued for " + request.getRequestLine());
                    return error(500, "no response queued", "{\"data\":null}");
                }
                return next;
            }
        });
    }

    SchemaCheckingServer https(SSLSocketFactory factory) {
        server.useHttps(factory, false);
        return this;
    }

    SchemaCheckingServer start() throws IOException {
        server.start(InetAddress.getByName("localhost"), 0);
        return this;
    }

    String baseUrl() {
        return "http://localhost:" + server.getPort();
    }

    String httpsBaseUrl() {
        return "https://localhost:" + server.getPort();
    }

    void enqueue(MockResponse response) {
        queue.add(response);
    }

    /** 200 with {@code {"data": <dataJson>}}. */
    void data(String dataJson) {
        enqueue(json(200, "{\"data\":" + dataJson + "}"));
    }

    /** A UPID answer, as worker endpoints give. */
    void upid(String upid) {
        data("\"" + upid + "\"");
    }

    static MockResponse json(int code, String body) {
        return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json;charset=UTF-8").setBody(body);
    }

    /** An error as pveproxy writes it: the reason phrase on the status line, and the body. */
    static MockResponse error(int code, String reason, String body) {
        return new MockResponse().setStatus("HTTP/1.1 " + code + " " + reason)
                .setHeader("Content-Type", "application/json;charset=UTF-8").setBody(body);
    }

    RecordedRequest take() throws InterruptedException {
        RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("no request arrived");
        }
        return r;
    }

    int requestCount() {
        return server.getRequestCount();
    }

    /** The parameters of a request as pveproxy reads them: query, plus the form body for POST/PUT. */
    static Map<String, List<String>> parameters(RecordedRequest r) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String type = r.getHeader("Content-Type");
        if (type != null && type.startsWith("multipart/form-data")) {
            // pveproxy's upload path: the form fields, the file part's file name as 'filename',
            // and the temporary file it stored the file in as 'tmpfilename'
            multipartFields(r).forEach((k, v) -> out.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
            out.computeIfAbsent("tmpfilename", x -> new ArrayList<>()).add("/var/tmp/pveupload-0123abcd");
        } else if (r.getMethod().equals("POST") || r.getMethod().equals("PUT")) {
            PveApiSchema.decodeForm(r.getBody().clone().readUtf8()).forEach((k, v) -> out.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
        }
        String query = r.getRequestUrl().encodedQuery();
        PveApiSchema.decodeForm(query).forEach((k, v) -> out.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
        return out;
    }

    /** One part of a multipart body: its headers (lower-case names) and its bytes. */
    record Part(Map<String, String> headers, byte[] body) {
        String disposition() {
            return headers.getOrDefault("content-disposition", "");
        }
    }

    /** The parts of a {@code multipart/form-data} request body, in order. */
    static List<Part> multipartParts(RecordedRequest r) {
        String type = r.getHeader("Content-Type");
        String boundary = type.substring(type.indexOf("boundary=") + "boundary=".length()).strip();
        String body = r.getBody().clone().readString(java.nio.charset.StandardCharsets.ISO_8859_1);
        List<Part> parts = new ArrayList<>();
        String[] chunks = body.split(java.util.regex.Pattern.quote("--" + boundary), -1);
        for (int i = 1; i < chunks.length - 1; i++) {
            String chunk = chunks[i];
            chunk = chunk.substring(2, chunk.length() - 2); // CRLF after the delimiter, CRLF before the next
            int blank = chunk.indexOf("\r\n\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line : chunk.substring(0, blank).split("\r\n")) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).strip().toLowerCase(java.util.Locale.ROOT), line.substring(colon + 1).strip());
            }
            parts.add(new Part(headers, chunk.substring(blank + 4).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
        }
        return parts;
    }

    /** The fields of a multipart body: each field's value, and the file part's file name as {@code filename}. */
    static Map<String, String> multipartFields(RecordedRequest r) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Part p : multipartParts(r)) {
            java.util.regex.Matcher file = java.util.regex.Pattern.compile("name=\"filename\"; filename=\"([^\"]*)\"")
                    .matcher(p.disposition());
            java.util.regex.Matcher field = java.util.regex.Pattern.compile("name=\"([^\"]*)\"").matcher(p.disposition());
            if (file.find()) {
                out.put("filename", file.group(1));
            } else if (field.find()) {
                out.put(field.group(1), new String(p.body(), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private void check(RecordedRequest r) {
        String path = r.getRequestUrl().encodedPath();
        if (!path.startsWith(PREFIX + "/")) {
            violations.add(r.getMethod() + " " + path + ": not under " + PREFIX);
            return;
        }
        Map<String, List<String>> params = parameters(r);
        String template = null;
        for (String version : PveApiReference.VERSIONS) {
            PveApiSchema schema = PveApiReference.schema(version);
            List<SchemaViolation> v = schema.validate(r.getMethod(), path, params);
            for (SchemaViolation violation : v) {
                violations.add("[" + version + "] " + r.getMethod() + " " + path + " " + violation);
            }
            template = schema.resolve(r.getMethod(), path).map(PveApiSchema.Endpoint::template).orElse(template);
        }
        SchemaCoverage.record(r.getMethod() + " " + (template == null ? path : template) + " " + new TreeSet<>(params.keySet()));
    }

    List<String> violations() {
        return List.copyOf(violations);
    }

    @Override
    public void close() throws IOException {
        server.shutdown();
        if (!violations.isEmpty()) {
            throw new AssertionError("requests broke the PVE API schema:\n  " + String.join("\n  ", violations));
        }
    }
}
