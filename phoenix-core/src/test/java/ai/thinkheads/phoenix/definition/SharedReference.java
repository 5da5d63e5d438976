package ai.thinkheads.phoenix.definition;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The shell orchestrator's files in the shared reference folder, read at test time and never copied
 * into the repository: {@code phoenix.shared.dir}/phoenix-orchestrator, or a sibling
 * {@code shared/phoenix-orchestrator} found walking up from the working directory.
 */
final class SharedReference {

    private SharedReference() {
    }

    static Path dir() {
        String prop = System.getProperty("phoenix.shared.dir");
        if (prop != null && Files.isDirectory(Paths.get(prop, "phoenix-orchestrator"))) {
            return Paths.get(prop, "phoenix-orchestrator");
        }
        for (Path d = Paths.get("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolveSibling("shared").resolve("phoenix-orchestrator");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
            if (Files.isDirectory(d.resolve("shared/phoenix-orchestrator"))) {
                return d.resolve("shared/phoenix-orchestrator");
            }
        }
        throw new IllegalStateException("no shared/phoenix-orchestrator folder found (set -Dphoenix.shared.dir)");
    }

    static Path file(String name) {
        return dir().resolve(name);
    }

    static String text(String name) {
        try {
            return Files.readString(file(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
