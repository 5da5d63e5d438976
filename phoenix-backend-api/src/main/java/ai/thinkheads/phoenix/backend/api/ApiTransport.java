package ai.thinkheads.phoenix.backend.api;

import ai.thinkheads.phoenix.hypervisor.AuthenticationException;
import ai.thinkheads.phoenix.hypervisor.HypervisorException;
import ai.thinkheads.phoenix.hypervisor.OperationInterruptedException;
import ai.thinkheads.phoenix.hypervisor.TimeSource;
import ai.thinkheads.phoenix.hypervisor.TransportException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one API request and returns its {@code data}, or throws what the reply means: the wire
 * layer under {@link ProxmoxApi}. It adds authentication (token header, or ticket cookie plus
 * {@code CSRFPreventionToken} on writes), logs request lines (never parameters), bounds concurrency,
 * logs in again once on a 401, and scrubs every secret it knows from error texts.
 *
 * <p>It sends each request once: a failure is a {@code TransportException} whose
 * {@code requestSent()} says whether Proxmox may have seen it. Retrying is core's (the planner's
 * reads, the applier's steps), the one owner of retries, so that tries never multiply across layers
 * and a write is repeated only after core checked whether it already happened.
 */
final class ApiTransport implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProxmoxApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** PVE tickets are valid for two hours (pve-access-control {@code PVE::AccessControl}, ticket lifetime). */
    static final Duration TICKET_LIFETIME = Duration.ofHours(2);

    enum Method {
        GET, POST, PUT, DELETE;

        boolean carriesBody() {
            return this == POST || this == PUT;
        }

        boolean isWrite() {
            return this != GET;
        }
    }

    /** A successful reply: its {@code data}, and the whole envelope (for {@code total}). */
    record Reply(JsonNode data, JsonNode envelope) {
    }

    /** Where a request goes, and what it concerns (for exceptions). */
    record Target(List<String> segments, String node, Integer vmid) {
        String display() {
            return "/" + String.join("/", segments);
        }
    }

    private record Session(Secret ticket, Secret csrf, Instant obtained) {
    }

    /** Set by the event listener once the request's headers start to go out. */
    private static final class SentFlag {
        volatile boolean sent;
    }

    private final HttpUrl apiBase;
    private final Credentials credentials;
    private final OkHttpClient client;
    private final TimeSource time;
    private final Duration renewAfter;
    private final Semaphore permits;
    private final Object authLock = new Object();
    private final Map<String, String> refusedHostFingerprints;
    private volatile Session session;

    ApiTransport(HttpUrl apiBase, Credentials credentials, OkHttpClient client, TimeSource time, Duration renewAfter,
                 int maxConcurrent, Map<String, String> refusedHostFingerprints) {
        this.apiBase = apiBase;
        this.credentials = credentials;
        this.client = client;
        this.time = time;
        this.renewAfter = renewAfter;
        this.permits = new Semaphore(maxConcurrent, true);
        this.refusedHostFingerprints = refusedHostFingerprints;
    }

    /** The event listener factory the client must be built with, so we know whether a request was sent. */
    static EventListener.Factory sentTracking() {
        return call -> new EventListener() {
            @Override
            public void requestHeadersStart(Call c) {
                SentFlag flag = c.request().tag(SentFlag.class);
                if (flag != null) {
                    flag.sent = true;
                }
            }
        };
    }

    /**
     * A host-name verifier that, when {@code delegate} refuses a certificate, remembers its
     * fingerprint by host so the resulting exception can state it.
     */
    static HostnameVerifier reporting(HostnameVerifier delegate, Map<String, String> refused) {
        return (host, sslSession) -> {
            boolean ok = delegate.verify(host, sslSession);
            if (!ok) {
                refused.put(host.toLowerCase(Locale.ROOT), leafFingerprint(sslSession));
            }
            return ok;
        };
    }

    private static String leafFingerprint(SSLSession s) {
        try {
            var certs = s.getPeerCertificates();
            return certs.length > 0 && certs[0] instanceof java.security.cert.X509Certificate x
                    ? TlsTrust.fingerprint(x) : "(no certificate)";
        } catch (SSLPeerUnverifiedException e) {
            return "(no certificate)";
        }
    }

    /** An authenticated request. */
    Reply call(Method method, Target target, Form form) {
        return execute(method, target, form, true, null);
    }

    /** A file for {@link #upload}: its name and bytes. The bytes are never logged. */
    record FilePart(String filename, byte[] data) {
        @Override
        public String toString() {
            return "FilePart[" + filename + ", " + data.length + " bytes]";
        }
    }

    /**
     * An authenticated {@code multipart/form-data} POST in the shape pveproxy's upload path takes
     * (pve-http-server {@code AnyEvent.pm} {@code file_upload_multipart}): the fields of {@code fields}
     * in their order (pveproxy looks for {@code content}, {@code checksum-algorithm},
     * {@code checksum} in that order), then the file as the part named {@code filename}, last.
     */
    Reply upload(Target target, Form fields, FilePart file) {
        return execute(Method.POST, target, fields, true, java.util.Objects.requireNonNull(file, "file"));
    }

    private Reply execute(Method method, Target target, Form form, boolean authenticated, FilePart file) {
        boolean loggedInAgain = false;
        while (true) {
            Session used = authenticated && !credentials.isApiToken() ? session() : null;
            SentFlag sent = new SentFlag();
            Request request = build(method, target, form, used, sent, authenticated, file);
            List<String> secrets = secrets(form, used);
            long started = System.nanoTime();
            Exchange x = exchange(request);
            if (x.failure() != null) {
                // not repeated here: core owns retries (see the class comment)
                throw transportFailure(method, target, x.failure(), sent.sent, secrets);
            }
            int code = x.code();
            log.debug("{} {} -> {} ({} ms)", method, target.display(), code,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            if (code >= 200 && code < 300) {
                return parse(x.body(), target);
            }
            if (code == 401 && used != null && !loggedInAgain) {
                // the ticket may have been revoked or the node restarted: log in once more (a new
                // session, not a retry of a failure: pveproxy refused the request without acting)
                log.debug("{} {} -> 401; logging in again", method, target.display());
                invalidate(used);
                loggedInAgain = true;
                continue;
            }
            JsonNode parsed = tryParse(redact(x.body(), secrets));
            throw PveErrors.toException(code, redact(x.reason(), secrets), parsed, target.node(), target.vmid());
        }
    }

    private record Exchange(int code, String reason, String body, IOException failure) {
    }

    /** One HTTP exchange, holding a concurrency permit only while it runs. */
    private Exchange exchange(Request request) {
        acquire();
        try (Response response = client.newCall(request).execute()) {
            return new Exchange(response.code(), response.message(), readBody(response), null);
        } catch (IOException e) {
            return new Exchange(0, null, null, e);
        } finally {
            release();
        }
    }

    private void acquire() {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperationInterruptedException("interrupted while waiting for a free connection slot", e);
        }
    }

    private void release() {
        permits.release();
    }

    private Request build(Method method, Target target, Form form, Session auth, SentFlag sent, boolean authenticated,
                          FilePart file) {
        HttpUrl.Builder url = apiBase.newBuilder();
        for (String segment : target.segments()) {
            url.addPathSegment(segment);
        }
        RequestBody body = null;
        if (file != null) {
            okhttp3.MultipartBody.Builder mb = new okhttp3.MultipartBody.Builder().setType(okhttp3.MultipartBody.FORM);
            form.fields().forEach(f -> mb.addFormDataPart(f.key(), f.value()));
            mb.addFormDataPart("filename", file.filename(),
                    RequestBody.create(file.data(), okhttp3.MediaType.get("application/octet-stream")));
            body = mb.build();
        } else if (method.carriesBody()) {
            FormBody.Builder fb = new FormBody.Builder(StandardCharsets.UTF_8);
            form.fields().forEach(f -> fb.add(f.key(), f.value()));
            body = fb.build();
        } else {
            form.fields().forEach(f -> url.addQueryParameter(f.key(), f.value()));
        }
        Request.Builder rb = new Request.Builder().url(url.build()).method(method.name(), body)
                .header("Accept", "application/json").tag(SentFlag.class, sent);
        if (authenticated) {
            if (credentials.isApiToken()) {
                rb.header("Authorization", "PVEAPIToken=" + credentials.principal() + "=" + credentials.secret().reveal());
            } else {
                rb.header("Cookie", "PVEAuthCookie=" + URLEncoder.encode(auth.ticket().reveal(), StandardCharsets.UTF_8));
                if (method.isWrite()) {
                    rb.header("CSRFPreventionToken", auth.csrf().reveal());
                }
            }
        }
        return rb.build();
    }

    private List<String> secrets(Form form, Session used) {
        List<String> out = new ArrayList<>(form.secrets());
        out.add(credentials.secret().reveal());
        Session s = used != null ? used : session;
        if (s != null) {
            out.add(s.ticket().reveal());
            out.add(s.csrf().reveal());
        }
        return out;
    }

    static String redact(String text, List<String> secrets) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String s : secrets) {
            if (s != null && s.length() >= 3) {
                out = out.replace(s, "[redacted]");
                String encoded = URLEncoder.encode(s, StandardCharsets.UTF_8);
                if (!encoded.equals(s)) {
                    out = out.replace(encoded, "[redacted]");
                }
            }
        }
        return out;
    }

    private static String readBody(Response response) throws IOException {
        ResponseBody b = response.body();
        return b == null ? "" : b.string();
    }

    private static JsonNode tryParse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static Reply parse(String body, Target target) {
        JsonNode envelope = tryParse(body);
        if (envelope == null || !envelope.isObject()) {
            throw new HypervisorException("unexpected reply to " + target.display() + ": not a JSON object",
                    target.node(), target.vmid());
        }
        return new Reply(envelope.path("data"), envelope);
    }

    private TransportException transportFailure(Method method, Target target, IOException e, boolean sent, List<String> secrets) {
        TlsTrust.CertificateRefusedException refused = find(e, TlsTrust.CertificateRefusedException.class);
        if (refused != null) {
            return new UntrustedCertificateException("TLS certificate of " + apiBase.host() + " refused: "
                    + refused.getMessage() + "; the server offered SHA-256 fingerprint " + refused.offeredFingerprint(),
                    refused.offeredFingerprint(), e);
        }
        SSLPeerUnverifiedException unverified = find(e, SSLPeerUnverifiedException.class);
        if (unverified != null) {
            String fp = refusedHostFingerprints.getOrDefault(apiBase.host().toLowerCase(Locale.ROOT), "(unknown)");
            return new UntrustedCertificateException("TLS certificate of " + apiBase.host()
                    + " refused: it is not valid for host name " + apiBase.host()
                    + "; the server offered SHA-256 fingerprint " + fp, fp, e);
        }
        String what = e instanceof InterruptedIOException ? "timed out" : "failed";
        return new TransportException(method + " " + target.display() + " " + what + ": "
                + redact(String.valueOf(e.getMessage()), secrets) + (sent ? "" : " (not sent)"),
                target.node(), target.vmid(), sent, e);
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
            for (Throwable s : c.getSuppressed()) {
                T found = find(s, type);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    // ---- tickets --------------------------------------------------------------------------

    /** The current session, logging in or renewing first when needed. */
    private Session session() {
        synchronized (authLock) {
            Session s = session;
            Instant now = time.now();
            if (s != null && now.isBefore(s.obtained().plus(renewAfter))) {
                return s;
            }
            if (s != null && now.isBefore(s.obtained().plus(TICKET_LIFETIME))) {
                try {
                    log.debug("renewing the ticket of {}", credentials.principal());
                    session = requestTicket(Form.empty().add("username", credentials.principal())
                            .add("password", s.ticket().reveal()), false);
                    return session;
                } catch (AuthenticationException e) {
                    log.debug("ticket renewal refused; logging in again");
                }
            }
            session = login();
            return session;
        }
    }

    private void invalidate(Session used) {
        synchronized (authLock) {
            if (session == used) {
                session = null;
            }
        }
    }

    private Session login() {
        log.debug("logging in as {}", credentials.principal());
        return requestTicket(Form.empty().add("username", credentials.principal())
                .add("password", credentials.secret().reveal()), true);
    }

    /**
     * {@code POST /access/ticket}. When the user has a second factor, the reply carries
     * {@code NeedTFA: 1} and a half ticket; the second step sends it as {@code tfa-challenge} with
     * {@code password=totp:<code>} (pve-access-control {@code PVE::API2::AccessControl} create_ticket,
     * as proxmoxer does it).
     */
    private Session requestTicket(Form form, boolean allowTfa) {
        Target target = new Target(List.of("access", "ticket"), null, null);
        JsonNode data = execute(Method.POST, target, form, false, null).data();
        String ticket = PveJson.textOf(data.get("ticket"));
        if (ticket == null || ticket.isEmpty()) {
            throw new AuthenticationException("login of " + credentials.principal() + " returned no ticket");
        }
        if (PveJson.boolOf(data.get("NeedTFA"))) {
            if (!allowTfa || credentials.totp().isEmpty()) {
                throw new AuthenticationException("login of " + credentials.principal()
                        + " needs a second factor; configure Credentials.withTotp(...)");
            }
            Secret code = credentials.totp().get().get();
            data = execute(Method.POST, target, Form.empty().add("username", credentials.principal())
                    .add("tfa-challenge", ticket).add("password", "totp:" + code.reveal()), false, null).data();
            ticket = PveJson.textOf(data.get("ticket"));
            if (ticket == null || ticket.isEmpty() || PveJson.boolOf(data.get("NeedTFA"))) {
                throw new AuthenticationException("second factor of " + credentials.principal() + " was not accepted");
            }
        }
        String csrf = PveJson.textOf(data.get("CSRFPreventionToken"));
        if (csrf == null || csrf.isEmpty()) {
            throw new AuthenticationException("login of " + credentials.principal() + " returned no CSRF prevention token");
        }
        return new Session(Secret.of(ticket), Secret.of(csrf), time.now());
    }

    @Override
    public void close() {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }

    @Override
    public String toString() {
        return "ApiTransport[" + apiBase + ", " + credentials + "]";
    }
}
