package ai.thinkheads.phoenix.testkit.model;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A scripted replacement for the guest OS model's command interpreter when the guest agent runs a
 * command ({@code guest-exec}). By default no behaviour is set and the guest OS model
 * ({@code GuestSystem}, {@code GuestCommands}) runs commands against the VM's guest state; set one on
 * the builder to script answers. Whether the agent answers at all stays the guest OS model's
 * decision (qemu-guest-agent installed and running). {@link #standard()} is the old fixed set.
 */
@FunctionalInterface
public interface GuestBehaviour {

    /**
     * Runs {@code command} (program and arguments) in the guest described by {@code guest}, with
     * {@code stdin} (null: none), and says how it ends. Called under the cluster's lock: do not call
     * back into the {@link PveCluster}.
     */
    Outcome exec(Guest guest, List<String> command, String stdin);

    /** The guest as the agent sees it: VMID, node, config (pending changes applied) and hostname. */
    record Guest(int vmid, String node, Map<String, String> config, String hostname) {
        public Guest {
            config = Map.copyOf(config);
        }
    }

    /** How a command ends, and how long after it was started. */
    record Outcome(int exitCode, String stdout, String stderr, Duration runtime) {
        public Outcome {
            stdout = stdout == null ? "" : stdout;
            stderr = stderr == null ? "" : stderr;
            Objects.requireNonNull(runtime, "runtime");
        }

        public static Outcome exit(int code, String stdout) {
            return new Outcome(code, stdout, "", Duration.ZERO);
        }
    }

    /**
     * A plausible Linux cloud image: {@code cloud-init status [--wait]} prints {@code status: done};
     * {@code true}, {@code false}, {@code echo}, {@code hostname}, {@code cat} (echoes stdin) and
     * {@code sh -c 'exit N'} behave as usual; every other program exits 127 like a shell that cannot
     * find it.
     */
    static GuestBehaviour standard() {
        return StandardGuest.INSTANCE;
    }
}

enum StandardGuest implements GuestBehaviour {
    INSTANCE;

    @Override
    public Outcome exec(Guest guest, List<String> command, String stdin) {
        if (command.isEmpty()) {
            return new Outcome(127, "", "no command\n", Duration.ZERO);
        }
        String program = command.get(0);
        String name = program.substring(program.lastIndexOf('/') + 1);
        List<String> args = command.subList(1, command.size());
        return switch (name) {
            case "cloud-init" -> args.contains("status")
                    ? new Outcome(0, "status: done\n", "", args.contains("--wait") ? Duration.ofSeconds(5) : Duration.ZERO)
                    : new Outcome(2, "", "usage: cloud-init [-h] {init,modules,status,...}\n", Duration.ZERO);
            case "true" -> Outcome.exit(0, "");
            case "false" -> Outcome.exit(1, "");
            case "echo" -> Outcome.exit(0, String.join(" ", args) + "\n");
            case "hostname" -> Outcome.exit(0, guest.hostname() + "\n");
            case "cat" -> Outcome.exit(0, stdin == null ? "" : stdin);
            case "sh", "bash" -> shell(args);
            default -> new Outcome(127, "", name + ": command not found\n", Duration.ZERO);
        };
    }

    private static Outcome shell(List<String> args) {
        if (args.size() == 2 && args.get(0).equals("-c") && args.get(1).matches("exit \\d{1,3}")) {
            return Outcome.exit(Integer.parseInt(args.get(1).substring(5)) & 0xFF, "");
        }
        return new Outcome(127, "", "sh: only 'sh -c \"exit N\"' is simulated\n", Duration.ZERO);
    }
}
