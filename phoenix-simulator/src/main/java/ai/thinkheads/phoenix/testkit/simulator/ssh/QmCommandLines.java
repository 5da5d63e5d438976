package ai.thinkheads.phoenix.testkit.simulator.ssh;

import ai.thinkheads.phoenix.testkit.simulator.ApiRequest;
import java.util.List;
import java.util.Objects;

/**
 * What a {@code qm} or {@code pvesh} command line asks of the PVE API, without running it: the
 * simulator's SSH face parses and maps the words exactly as it does when it runs them (one parser,
 * {@link CommandSpec}, and one mapping per command, in {@code Qm} and {@code Pvesh}), and returns
 * the request the command sends first. That request is what PVE validates against its schema, so a
 * test whose commands reach a stub instead of the simulator can still check every command line
 * with {@link ai.thinkheads.phoenix.testkit.schema.SchemaAudit#check}.
 *
 * <pre>{@code
 * ApiRequest r = QmCommandLines.toRequest(List.of("qm", "set", "100", "--cores", "2"), "pve1", new byte[0]);
 * // PUT /nodes/pve1/qemu/100/config {cores=[2]}
 * }</pre>
 *
 * <ul>
 *   <li>{@code qm} options are the API handler's parameters (qemu-server {@code PVE/CLI/qm.pm}
 *       {@code $cmddef}); positional arguments other than {@code vmid} become parameters too;</li>
 *   <li>{@code --sshkeys <file>} becomes the URL-encoded file content (qm.pm {@code param_mapping});
 *       only {@code /dev/stdin} can be read here, and it is {@code stdin};</li>
 *   <li>{@code --cipassword} without a value (or with {@code 0}) is read from {@code stdin}, as
 *       qm reads an interactive {@code pve-password} parameter when STDIN is not a terminal: two
 *       lines that must match (pve-common {@code PVE::PTY::get_confirmed_password});</li>
 *   <li>{@code qm guest exec} sends the words after {@code --} as {@code command} and, with
 *       {@code --pass-stdin}, {@code stdin} as {@code input-data};</li>
 *   <li>{@code pvesh get|set|create|delete <path>} is that method on that path; the output options
 *       are pvesh's own;</li>
 *   <li>a leading {@code sudo -n [--]} is skipped, as the SSH face skips it.</li>
 * </ul>
 * Follow-up requests of a running command (task status and log polling, {@code guest exec}'s
 * status polling) are not included: they do not depend on the command line.
 */
public final class QmCommandLines {

    private QmCommandLines() {
    }

    /**
     * The API request {@code argv} sends first, made as {@code root@pam} on node {@code node}.
     *
     * @throws IllegalArgumentException when the command is neither {@code qm} nor {@code pvesh}, or
     *     when the tool would refuse the command line itself (unknown command or option, missing or
     *     surplus arguments), with the tool's reason
     */
    public static ApiRequest toRequest(List<String> argv, String node, byte[] stdin) {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(stdin, "stdin");
        List<String> words = List.copyOf(argv);
        if (words.size() >= 2 && words.get(0).equals("sudo") && words.get(1).equals("-n")) {
            words = words.subList(2, words.size());
            if (!words.isEmpty() && words.get(0).equals("--")) {
                words = words.subList(1, words.size());
            }
        }
        if (words.isEmpty()) {
            throw new IllegalArgumentException("empty command line");
        }
        List<String> args = words.subList(1, words.size());
        switch (words.get(0)) {
            case "qm", "/usr/sbin/qm" -> {
                Qm.Call call = Qm.call(args, node, stdin);
                return new ApiRequest(call.method(), call.path(), call.params(), "root@pam");
            }
            case "pvesh", "/usr/bin/pvesh" -> {
                try {
                    Pvesh.Resolved r = Pvesh.resolve(args);
                    return new ApiRequest(r.method(), r.path(), r.params(), "root@pam");
                } catch (Pvesh.Refusal e) {
                    throw new IllegalArgumentException(e.getMessage());
                }
            }
            default -> throw new IllegalArgumentException("not a qm or pvesh command line: " + words.get(0));
        }
    }

    /** Whether {@code argv} runs {@code qm} or {@code pvesh} (possibly through {@code sudo -n}). */
    public static boolean isQmOrPvesh(List<String> argv) {
        List<String> words = argv;
        if (words.size() >= 2 && words.get(0).equals("sudo") && words.get(1).equals("-n")) {
            words = words.subList(2, words.size());
            if (!words.isEmpty() && words.get(0).equals("--")) {
                words = words.subList(1, words.size());
            }
        }
        return !words.isEmpty() && List.of("qm", "/usr/sbin/qm", "pvesh", "/usr/bin/pvesh").contains(words.get(0));
    }
}
