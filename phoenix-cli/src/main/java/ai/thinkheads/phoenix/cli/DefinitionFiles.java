package ai.thinkheads.phoenix.cli;

import ai.thinkheads.phoenix.definition.DefinitionException;
import ai.thinkheads.phoenix.definition.DefinitionNotice;
import ai.thinkheads.phoenix.definition.DefinitionProblem;
import ai.thinkheads.phoenix.definition.DefinitionSet;
import ai.thinkheads.phoenix.definition.NativeDefinitionFormat;
import ai.thinkheads.phoenix.definition.OrchestratorConfigReader;
import ai.thinkheads.phoenix.definition.VmDefinition;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the definition files named on the command line, each in the format its content shows:
 * Phoenix's own ({@code "phoenix": 1} at the top) or the shell orchestrator's
 * {@code phoenix_vm_configs*.json} ({@code vms} and {@code vm_defaults}, no {@code phoenix}).
 * Every problem of every file is collected, each naming its file, JSON path and line.
 */
final class DefinitionFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The format a file is read in. */
    enum Format { NATIVE, ORCHESTRATOR }

    /** One problem: the file, and where in it (path, line, column) when known. */
    record Problem(String file, String path, int line, int column, String message) {
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(file).append(": ");
            if (path != null) {
                sb.append(path);
                if (line > 0) {
                    sb.append(" (line ").append(line);
                    if (column > 0) {
                        sb.append(", column ").append(column);
                    }
                    sb.append(')');
                }
                sb.append(": ");
            }
            return sb.append(message).toString();
        }
    }

    /** What the files declare, in order, with their notices; or the problems that stop them being used. */
    record Result(List<VmDefinition> vms, List<DefinitionNotice> notices, List<Problem> problems, Map<String, Format> formats) {
        boolean ok() {
            return problems.isEmpty();
        }
    }

    private final OrchestratorConfigReader orchestrator;

    DefinitionFiles(Optional<String> imageStorage) {
        OrchestratorConfigReader.Builder b = OrchestratorConfigReader.builder();
        imageStorage.ifPresent(b::imageStorage);
        this.orchestrator = b.build();
    }

    /** Which format {@code text} is in: native when the top-level object has {@code phoenix}, the orchestrator's when it has {@code vms} or {@code vm_defaults} without it. */
    static Format detect(String text) {
        try {
            JsonNode root = JSON.readTree(text);
            if (root != null && root.isObject() && !root.has("phoenix") && (root.has("vm_defaults") || root.has("vms"))) {
                return Format.ORCHESTRATOR;
            }
        } catch (IOException e) {
            // not JSON: the native reader reports where the syntax breaks
        }
        return Format.NATIVE;
    }

    Result read(List<Path> files) {
        List<VmDefinition> vms = new ArrayList<>();
        LinkedHashSet<DefinitionNotice> notices = new LinkedHashSet<>();
        List<Problem> problems = new ArrayList<>();
        Map<String, Format> formats = new java.util.LinkedHashMap<>();
        Map<String, String> nameSeenIn = new HashMap<>();
        Map<Integer, String> vmidSeenIn = new HashMap<>();
        for (Path file : files) {
            String name = file.toString();
            String text;
            try {
                byte[] bytes = Files.readAllBytes(file);
                text = new String(bytes, StandardCharsets.UTF_8);
            } catch (java.nio.file.NoSuchFileException e) {
                problems.add(new Problem(name, null, 0, 0, "no such file"));
                continue;
            } catch (IOException e) {
                problems.add(new Problem(name, null, 0, 0, "cannot be read: " + e.getMessage()));
                continue;
            }
            Format format = detect(text);
            formats.put(name, format);
            DefinitionSet set;
            try {
                set = format == Format.NATIVE ? NativeDefinitionFormat.read(text, name) : orchestrator.read(text, name);
            } catch (DefinitionException e) {
                for (DefinitionProblem p : e.problems()) {
                    problems.add(new Problem(name, p.path(), p.line(), p.column(), p.message()));
                }
                continue;
            }
            notices.addAll(set.notices());
            for (VmDefinition vm : set.vms()) {
                String before = nameSeenIn.putIfAbsent(vm.name(), name);
                if (before != null) {
                    problems.add(new Problem(name, null, 0, 0, "VM '" + vm.name() + "' is also declared in " + before));
                    continue;
                }
                Integer vmid = vm.spec().vmid().orElse(null);
                if (vmid != null) {
                    String other = vmidSeenIn.putIfAbsent(vmid, name + " (" + vm.name() + ")");
                    if (other != null) {
                        problems.add(new Problem(name, null, 0, 0, "VM '" + vm.name() + "' has vmid " + vmid
                                + ", which " + other + " has too"));
                        continue;
                    }
                }
                vms.add(vm);
            }
        }
        return new Result(List.copyOf(vms), List.copyOf(notices), List.copyOf(problems), Map.copyOf(formats));
    }
}
