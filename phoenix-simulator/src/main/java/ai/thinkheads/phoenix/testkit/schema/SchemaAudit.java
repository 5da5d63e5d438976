package ai.thinkheads.phoenix.testkit.schema;

import ai.thinkheads.phoenix.testkit.simulator.ApiRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Checks every request that reaches a PVE simulator against the official schemas of PVE 8.4 and
 * 9.1, and keeps the books: how many requests were checked, which distinct requests (method, path
 * template, parameter names) were seen, and every request a schema refused.
 *
 * <p>Plug {@link #check} into {@code PveSimulator.Builder.requestValidator}: a refused request is
 * answered as PVE answers one, {@code 400 Parameter verification failed.} with the per-parameter
 * messages (prefixed with the schema version), so a backend that sends a malformed request fails
 * the test that made it send it. {@link #refusedExcept} and {@link #writeReport} let a test suite
 * assert afterwards that the only refusals were requests it provoked on purpose.
 *
 * <p>One instance per JVM is usual ({@link #shared()}), since a module's tests run in one JVM;
 * {@link SchemaAuditSession} writes and asserts it once the module's whole test run is over.
 */
public final class SchemaAudit {

    private static final SchemaAudit SHARED = new SchemaAudit();

    /** One refused request: what was sent and why the schema refused it. */
    public record Refusal(ApiRequest request, Map<String, String> errors) {
    }

    private final AtomicLong checked = new AtomicLong();
    private final Set<String> distinct = new ConcurrentSkipListSet<>();
    private final List<Refusal> refusals = new CopyOnWriteArrayList<>();
    private final Set<String> uncheckedFormats = new ConcurrentSkipListSet<>();

    /** A fresh audit with empty books (tests of the audit itself; modules use {@link #shared()}). */
    public static SchemaAudit create() {
        return new SchemaAudit();
    }

    private SchemaAudit() {
    }

    /** The JVM-wide audit. */
    public static SchemaAudit shared() {
        return SHARED;
    }

    /**
     * Validates {@code request} against every schema version; returns parameter → message for
     * what any version refuses (empty when all accept it).
     */
    public Map<String, String> check(ApiRequest request) {
        checked.incrementAndGet();
        // parameter -> version -> message
        Map<String, Map<String, String>> byParameter = new TreeMap<>();
        String template = null;
        for (String version : PveApiReference.VERSIONS) {
            PveApiSchema schema = PveApiReference.schema(version);
            if (template == null) {
                template = schema.resolve(request.method(), request.path()).map(PveApiSchema.Endpoint::template)
                        .orElse(request.path());
            }
            PveApiSchema.Check result = schema.check(request.method(), request.path(), request.params());
            String where = " (" + request.method() + " " + template + ")";
            result.uncheckedFormats().forEach(f -> uncheckedFormats.add(f + where));
            for (SchemaViolation v : result.violations()) {
                String key = v.parameter().isEmpty() ? "request" : v.parameter();
                byParameter.computeIfAbsent(key, k -> new TreeMap<>()).merge(version, v.message(), (a, b) -> a + "; " + b);
            }
        }
        // PVE's own words when every version says the same; otherwise each version's, labelled
        Map<String, String> errors = new TreeMap<>();
        byParameter.forEach((key, perVersion) -> {
            boolean agree = perVersion.size() == PveApiReference.VERSIONS.size() && new TreeSet<>(perVersion.values()).size() == 1;
            if (agree) {
                errors.put(key, perVersion.values().iterator().next());
            } else {
                StringBuilder sb = new StringBuilder();
                perVersion.forEach((version, message) -> sb.append(sb.length() == 0 ? "" : "; ")
                        .append("[PVE ").append(version).append("] ").append(message));
                errors.put(key, sb.toString());
            }
        });
        distinct.add(request.method() + " " + template + " " + new TreeSet<>(request.params().keySet()));
        if (!errors.isEmpty()) {
            refusals.add(new Refusal(request, errors));
        }
        return errors;
    }

    /** Requests checked so far. */
    public long checkedCount() {
        return checked.get();
    }

    /** Distinct requests seen: method, path template and the set of parameter names. */
    public Set<String> distinctRequests() {
        return new TreeSet<>(distinct);
    }

    /**
     * The named formats of values sent so far that no verifier checked, each with the request
     * template it came in ({@code pve-qm-hostpci (POST /nodes/{node}/qemu)}); empty when every
     * value with a named format was checked.
     */
    public Set<String> uncheckedFormats() {
        return new TreeSet<>(uncheckedFormats);
    }

    /** Every refusal so far. */
    public List<Refusal> refusals() {
        return List.copyOf(refusals);
    }

    /** The refusals that {@code deliberate} does not account for: these are defects. */
    public List<Refusal> refusedExcept(Predicate<ApiRequest> deliberate) {
        List<Refusal> out = new ArrayList<>();
        for (Refusal r : refusals) {
            if (!deliberate.test(r.request())) {
                out.add(r);
            }
        }
        return out;
    }

    /** Writes the counts, the distinct requests and the refusals to {@code file}. */
    public void writeReport(Path file) {
        StringBuilder sb = new StringBuilder();
        sb.append("requests checked against PVE ").append(PveApiReference.VERSIONS).append(": ").append(checkedCount()).append('\n');
        sb.append("distinct requests: ").append(distinct.size()).append('\n');
        distinct.forEach(d -> sb.append("  ").append(d).append('\n'));
        sb.append("named formats sent but not checked: ").append(uncheckedFormats.size()).append('\n');
        uncheckedFormats.forEach(f -> sb.append("  ").append(f).append('\n'));
        sb.append("refused: ").append(refusals.size()).append('\n');
        for (Refusal r : refusals) {
            Map<String, String> names = new LinkedHashMap<>(r.errors());
            sb.append("  ").append(r.request().method()).append(' ').append(r.request().path()).append(' ').append(names).append('\n');
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
