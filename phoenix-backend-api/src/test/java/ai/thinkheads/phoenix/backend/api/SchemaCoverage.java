package ai.thinkheads.phoenix.backend.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Counts the requests the tests sent through {@link SchemaCheckingServer} and had validated against
 * both PVE schemas, and prints the tally when the test run ends (a resource in the root store is
 * closed after the last test). Also written to {@code target/schema-checked-requests.txt}.
 */
final class SchemaCoverage implements BeforeAllCallback {

    private static final Set<String> DISTINCT = new TreeSet<>();
    private static final AtomicInteger TOTAL = new AtomicInteger();

    static synchronized void record(String signature) {
        DISTINCT.add(signature);
        TOTAL.incrementAndGet();
    }

    static synchronized int distinct() {
        return DISTINCT.size();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(SchemaCoverage.class.getName(), k -> new Report(), Report.class);
    }

    private static final class Report implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            String text;
            synchronized (SchemaCoverage.class) {
                StringBuilder sb = new StringBuilder();
                sb.append("Schema-checked requests: ").append(DISTINCT.size()).append(" distinct (method, path template, parameter names), ")
                        .append(TOTAL.get()).append(" in total, each against pve-8.4 and pve-9.1").append(System.lineSeparator());
                DISTINCT.forEach(s -> sb.append("  ").append(s).append(System.lineSeparator()));
                text = sb.toString();
            }
            System.out.print(text);
            try {
                Files.createDirectories(Path.of("target"));
                Files.writeString(Path.of("target", "schema-checked-requests.txt"), text);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
