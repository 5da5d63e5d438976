package ai.thinkheads.phoenix.testkit.schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Finds the read-only PVE API reference data (schemas and fixtures in {@code shared/pve-api}) for
 * tests, without copying it into the repository.
 *
 * <pre>{@code
 * PveApiSchema pve84 = PveApiReference.schema("8.4");
 * String nextid = PveApiReference.fixture("cluster-nextid.response.json");
 * }</pre>
 *
 * The folder is the system property {@code phoenix.shared.dir} (the build's surefire sets it to the
 * sibling {@code shared/} of the project), else the first {@code shared/} found walking up from the
 * working directory. Loaded schemas are cached for the life of the JVM.
 */
public final class PveApiReference {

    /** The schema versions available: {@code 8.4} and {@code 9.1}. */
    public static final List<String> VERSIONS = List.of("8.4", "9.1");

    private static final ConcurrentMap<String, PveApiSchema> SCHEMAS = new ConcurrentHashMap<>();

    private PveApiReference() {
    }

    /** {@code shared/pve-api}; throws {@link IllegalStateException} naming where it looked. */
    public static Path directory() {
        String configured = System.getProperty("phoenix.shared.dir");
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured).resolve("pve-api");
            if (Files.isDirectory(p)) {
                return p.normalize();
            }
        }
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path p = dir.resolve("shared").resolve("pve-api");
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        throw new IllegalStateException("no shared/pve-api found (system property phoenix.shared.dir="
                + configured + ", walked up from " + start + ")");
    }

    /** The schema of PVE {@code version} ({@code 8.4} or {@code 9.1}), loaded once. */
    public static PveApiSchema schema(String version) {
        if (!VERSIONS.contains(version)) {
            throw new IllegalArgumentException("no schema for PVE " + version + "; have " + VERSIONS);
        }
        return SCHEMAS.computeIfAbsent(version,
                v -> PveApiSchema.load(directory().resolve("pve-" + v + "-apischema.json")));
    }

    /** The text of {@code fixtures/<name>}. */
    public static String fixture(String name) {
        Path p = directory().resolve("fixtures").resolve(name);
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read fixture " + p, e);
        }
    }
}
