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
                    + "e.g. 'local'. Default: the directory /var/lib/vz/template/iso, as the orchestrator used.")
    String imageStorage;

    DefinitionFiles.Result read() {
        return new DefinitionFiles(Optional.ofNullable(imageStorage)).read(files);
    }
}
