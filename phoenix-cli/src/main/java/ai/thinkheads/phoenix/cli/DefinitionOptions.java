package ai.thinkheads.phoenix.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The definition files a verb reads, in either format, and how the orchestrator's images are found. */
final class DefinitionOptions {

    @Parameters(paramLabel = "FILE", arity = "1..*",
            description = "Definition files: Phoenix's own format or the shell orchestrator's phoenix_vm_configs*.json (told apart by content).")
    List<Path> files = new ArrayList<>();

    @Option(names = "--image-storage", paramLabel = "STORAGE",
            description = "For the orchestrator's files: the storage (content 'iso') holding template_image files, "
                    + "e.g. 'local'. Default: the directory /var/lib/vz/template/iso, as the orchestrator used; on the "
                    + "simulator, 'local' (whose iso directory that is on a stock node: the simulator takes no absolute paths).")
    String imageStorage;

    /** Reads the files as they are, for no target (validate). */
    DefinitionFiles.Result read() {
        return read(files, imageStorage, null, null);
    }

    /** Reads the files for {@code target}. */
    DefinitionFiles.Result read(TargetOptions target, CliContext context) {
        return read(files, imageStorage, target, context);
    }

    /**
     * Reads {@code files}; the orchestrator's {@code template_image} is looked for on
     * {@code imageStorage} when given, else on {@code local} on the simulator, else in the
     * orchestrator's directory.
     */
    static DefinitionFiles.Result read(List<Path> files, String imageStorage, TargetOptions target, CliContext context) {
        String storage = imageStorage;
        if (storage == null && target != null && target.kind(context) == TargetOptions.Kind.simulator) {
            storage = "local";
        }
        return new DefinitionFiles(Optional.ofNullable(storage)).read(files);
    }
}
