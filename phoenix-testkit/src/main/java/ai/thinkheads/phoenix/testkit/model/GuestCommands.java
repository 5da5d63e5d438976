package ai.thinkheads.phoenix.testkit.model;

import ai.thinkheads.phoenix.testkit.model.GuestSystem.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The programs the simulated Ubuntu guest knows, for runcmd and agent exec. The set is small and
 * strict; anything else exits 127 with {@code <prog>: command not found}:
 * <ul>
 *   <li>{@code systemctl enable|disable|start|stop|restart|is-active|is-enabled [--now] <unit>}</li>
 *   <li>{@code usermod -aG <group> <user>}, {@code groupadd <group>}, {@code id -nG <user>}</li>
 *   <li>{@code mkdir -p <dir>}, {@code mount -a}, {@code findmnt <dir>}</li>
 *   <li>{@code apt-get update}, {@code apt-get install -y <pkgs>} (also {@code apt}),
 *       {@code dpkg-query -W <pkg>}, {@code dpkg -s <pkg>}</li>
 *   <li>{@code test -e|-f|-d <path>}, {@code cat [<path>]}</li>
 *   <li>{@code docker version|info}, {@code docker compose version}: need docker installed and
 *       running, and for a user other than root the {@code docker} group</li>
 *   <li>{@code nvidia-smi}: needs an NVIDIA driver and a {@code hostpciN} device on the VM</li>
 *   <li>{@code cloud-init status [--wait] [--long] [--format json|yaml|tabular]}</li>
 *   <li>{@code true}, {@code false}, {@code echo}, {@code hostname}</li>
 *   <li>{@code sh -c '<a> && <b>; <c>'} (also {@code bash}): split on {@code &&}, {@code ;} and
 *       newlines only, words split like a shell with quotes but without expansions</li>
 *   <li>{@code sudo -u <user> <cmd>} and {@code runuser -u <user> -- <cmd>} run as another user</li>
 * </ul>
 * {@code cloud-init status --wait} is answered by {@link PveCluster} (it has to wait on the clock).
 */
final class GuestCommands {

    private GuestCommands() {
    }

    /** Runs {@code argv} as {@code user} in {@code sys}, records it under {@code source} and returns how it ended. */
    static Outcome run(GuestSystem sys, List<String> argv, String stdin, String user, String source) {
        Outcome o = dispatch(sys, argv, stdin, user, source);
        if (!(argv.size() > 0 && isShell(argv.get(0)))) {
            sys.commands.add(new GuestState.Command(source, argv, o.exitCode()));
        }
        return o;
    }

    private static boolean isShell(String program) {
        String n = program.substring(program.lastIndexOf('/') + 1);
        return n.equals("sh") || n.equals("bash");
    }

    private static Outcome dispatch(GuestSystem sys, List<String> argv, String stdin, String user, String source) {
        if (argv.isEmpty()) {
            return Outcome.fail(127, "no command\n");
        }
        String program = argv.get(0);
        String name = program.substring(program.lastIndexOf('/') + 1);
        List<String> a = argv.subList(1, argv.size());
        return switch (name) {
            case "true" -> Outcome.ok("");
            case "false" -> Outcome.fail(1, "");
            case "echo" -> Outcome.ok(String.join(" ", a) + "\n");
            case "hostname" -> Outcome.ok(sys.hostname + "\n");
            case "cat" -> cat(sys, a, stdin);
            case "test", "[" -> test(sys, a);
            case "mkdir" -> mkdir(sys, a);
            case "systemctl" -> systemctl(sys, a);
            case "usermod" -> usermod(sys, a);
            case "groupadd" -> groupadd(sys, a);
            case "id" -> id(sys, a);
            case "mount" -> a.equals(List.of("-a")) ? sys.mountAll() : usage("mount", "mount -a");
            case "findmnt" -> findmnt(sys, a);
            case "apt-get", "apt" -> apt(sys, name, a);
            case "dpkg-query" -> dpkgQuery(sys, a);
            case "dpkg" -> a.size() == 2 && a.get(0).equals("-s") ? dpkgStatus(sys, a.get(1)) : usage("dpkg", "dpkg -s <pkg>");
            case "docker" -> docker(sys, a, user);
            case "nvidia-smi" -> nvidiaSmi(sys);
            case "cloud-init" -> cloudInit(sys, a);
            case "sh", "bash" -> shell(sys, name, a, stdin, user, source);
            case "sudo" -> a.size() >= 3 && a.get(0).equals("-u") ? run(sys, a.subList(2, a.size()), stdin, a.get(1), source)
                    : a.isEmpty() ? usage("sudo", "sudo -u <user> <cmd>") : run(sys, a, stdin, "root", source);
            case "runuser" -> a.size() >= 4 && a.get(0).equals("-u") && a.get(2).equals("--")
                    ? run(sys, a.subList(3, a.size()), stdin, a.get(1), source) : usage("runuser", "runuser -u <user> -- <cmd>");
            default -> notFound(name);
        };
    }

    private static Outcome notFound(String name) {
        return Outcome.fail(127, name + ": command not found\n");
    }

    private static Outcome usage(String program, String supported) {
        return Outcome.fail(2, program + ": only '" + supported + "' is simulated\n");
    }

    private static Outcome cat(GuestSystem sys, List<String> a, String stdin) {
        if (a.isEmpty()) {
            return Outcome.ok(stdin == null ? "" : stdin);
        }
        StringBuilder out = new StringBuilder();
        for (String p : a) {
            if (sys.directories.contains(p)) {
                return new Outcome(1, out.toString(), "cat: " + p + ": Is a directory\n");
            }
            String c = sys.files.get(p);
            if (c == null) {
                return new Outcome(1, out.toString(), "cat: " + p + ": No such file or directory\n");
            }
            out.append(c);
        }
        return Outcome.ok(out.toString());
    }

    private static Outcome test(GuestSystem sys, List<String> a) {
        List<String> args = new ArrayList<>(a);
        if (!args.isEmpty() && args.get(args.size() - 1).equals("]")) {
            args.remove(args.size() - 1);
        }
        if (args.size() != 2) {
            return usage("test", "test -e|-f|-d <path>");
        }
        String p = args.get(1);
        boolean r = switch (args.get(0)) {
            case "-e" -> sys.files.containsKey(p) || sys.directories.contains(p);
            case "-f" -> sys.files.containsKey(p);
            case "-d" -> sys.directories.contains(p);
            default -> false;
        };
        return r ? Outcome.ok("") : Outcome.fail(1, "");
    }

    private static Outcome mkdir(GuestSystem sys, List<String> a) {
        if (a.size() < 2 || !a.get(0).equals("-p")) {
            return usage("mkdir", "mkdir -p <dir>");
        }
        for (String d : a.subList(1, a.size())) {
            if (sys.files.containsKey(d)) {
                return Outcome.fail(1, "mkdir: cannot create directory '" + d + "': File exists\n");
            }
            sys.mkdirs(d);
        }
        return Outcome.ok("");
    }

    private static String unitName(String arg) {
        return arg.endsWith(".service") ? arg.substring(0, arg.length() - ".service".length()) : arg;
    }

    private static boolean unitInstalled(GuestSystem sys, String unit) {
        for (String p : sys.packages) {
            UbuntuArchive.Pkg pkg = UbuntuArchive.get(p);
            if (pkg != null && unit.equals(pkg.unit())) {
                return true;
            }
        }
        return false;
    }

    private static boolean isStatic(String unit) {
        // Ubuntu's qemu-guest-agent.service has no [Install] section: udev starts it
        return unit.equals(GuestSystem.AGENT_UNIT);
    }

    private static Outcome systemctl(GuestSystem sys, List<String> a) {
        List<String> args = new ArrayList<>(a);
        boolean now = args.remove("--now");
        if (args.size() != 2) {
            return usage("systemctl", "systemctl enable|start|restart|is-active|is-enabled [--now] <unit>");
        }
        String verb = args.get(0);
        String unit = unitName(args.get(1));
        boolean installed = unitInstalled(sys, unit);
        switch (verb) {
            case "is-active":
                return sys.runningUnits.contains(unit) ? Outcome.ok("active\n") : new Outcome(3, "inactive\n", "");
            case "is-enabled":
                if (!installed) {
                    return Outcome.fail(1, "Failed to get unit file state for " + unit + ".service: No such file or directory\n");
                }
                if (isStatic(unit)) {
                    return Outcome.ok("static\n");
                }
                return sys.enabledUnits.contains(unit) ? Outcome.ok("enabled\n") : new Outcome(1, "disabled\n", "");
            case "enable":
            case "disable": {
                if (!installed) {
                    return Outcome.fail(1, "Failed to " + verb + " unit: Unit file " + unit + ".service does not exist.\n");
                }
                String err = "";
                if (isStatic(unit)) {
                    err = "The unit files have no installation config (WantedBy=, RequiredBy=, UpheldBy=, Also=, or Alias=\n"
                            + "settings in the [Install] section, and DefaultInstance= for template units).\n";
                } else if (verb.equals("enable")) {
                    sys.enabledUnits.add(unit);
                } else {
                    sys.enabledUnits.remove(unit);
                }
                if (now) {
                    Outcome o = verb.equals("enable") ? start(sys, unit) : stop(sys, unit);
                    return new Outcome(o.exitCode(), o.stdout(), err + o.stderr());
                }
                return new Outcome(0, "", err);
            }
            case "start":
            case "restart":
                if (!installed) {
                    return Outcome.fail(5, "Failed to " + verb + " " + unit + ".service: Unit " + unit + ".service not found.\n");
                }
                return start(sys, unit);
            case "stop":
                if (!installed) {
                    return Outcome.fail(5, "Failed to stop " + unit + ".service: Unit " + unit + ".service not loaded.\n");
                }
                return stop(sys, unit);
            default:
                return usage("systemctl", "systemctl enable|start|restart|is-active|is-enabled [--now] <unit>");
        }
    }

    private static Outcome start(GuestSystem sys, String unit) {
        if (unit.equals(GuestSystem.AGENT_UNIT) && !sys.agentPort) {
            // the unit binds to dev-virtio\x2dports-org.qemu.guest_agent.0.device, absent without agent: 1
            return Outcome.fail(1, "A dependency job for " + unit + ".service failed. See \"journalctl -xe\" for details.\n");
        }
        sys.runningUnits.add(unit);
        return Outcome.ok("");
    }

    private static Outcome stop(GuestSystem sys, String unit) {
        sys.runningUnits.remove(unit);
        return Outcome.ok("");
    }

    private static Outcome usermod(GuestSystem sys, List<String> a) {
        if (a.size() != 3 || !a.get(0).equals("-aG")) {
            return usage("usermod", "usermod -aG <group> <user>");
        }
        String group = a.get(1);
        String user = a.get(2);
        if (!sys.users.containsKey(user)) {
            return Outcome.fail(6, "usermod: user '" + user + "' does not exist\n");
        }
        for (String g : group.split(",")) {
            if (!sys.groups.contains(g)) {
                return Outcome.fail(6, "usermod: group '" + g + "' does not exist\n");
            }
        }
        for (String g : group.split(",")) {
            sys.users.get(user).add(g);
        }
        return Outcome.ok("");
    }

    private static Outcome groupadd(GuestSystem sys, List<String> a) {
        if (a.size() != 1) {
            return usage("groupadd", "groupadd <group>");
        }
        if (!sys.groups.add(a.get(0))) {
            return Outcome.fail(9, "groupadd: group '" + a.get(0) + "' already exists\n");
        }
        return Outcome.ok("");
    }

    private static Outcome id(GuestSystem sys, List<String> a) {
        if (a.size() != 2 || !a.get(0).equals("-nG")) {
            return usage("id", "id -nG <user>");
        }
        String user = a.get(1);
        if (!sys.users.containsKey(user)) {
            return Outcome.fail(1, "id: '" + user + "': no such user\n");
        }
        List<String> out = new ArrayList<>();
        out.add(user);
        sys.users.get(user).stream().filter(g -> !g.equals(user)).forEach(out::add);
        return Outcome.ok(String.join(" ", out) + "\n");
    }

    private static Outcome findmnt(GuestSystem sys, List<String> a) {
        if (a.size() != 1) {
            return usage("findmnt", "findmnt <dir>");
        }
        String dir = a.get(0);
        for (GuestSystem.FstabEntry e : sys.fstab) {
            if (e.mountPoint().equals(dir) && sys.mounted.contains(dir)) {
                return Outcome.ok("TARGET SOURCE FSTYPE OPTIONS\n" + dir + " " + e.device() + " " + e.fsType() + " rw,relatime\n");
            }
        }
        return Outcome.fail(1, "");
    }

    private static Outcome apt(GuestSystem sys, String program, List<String> a) {
        if (a.equals(List.of("update"))) {
            StringBuilder out = new StringBuilder("Hit:1 http://archive.ubuntu.com/ubuntu noble InRelease\n");
            int i = 2;
            for (String s : sys.aptSources) {
                out.append("Hit:").append(i++).append(" https://").append(s).append(" noble InRelease\n");
            }
            return Outcome.ok(out.append("Reading package lists...\n").toString());
        }
        if (a.isEmpty() || !a.get(0).equals("install")) {
            return usage(program, program + " update | " + program + " install -y <pkgs>");
        }
        List<String> names = new ArrayList<>();
        boolean yes = false;
        for (String w : a.subList(1, a.size())) {
            if (w.equals("-y") || w.equals("--yes") || w.equals("-qq") || w.equals("-q") || w.equals("--no-install-recommends")) {
                yes |= w.equals("-y") || w.equals("--yes");
            } else {
                names.add(w);
            }
        }
        UbuntuArchive.Resolution r = UbuntuArchive.resolve(names, sys.aptSources);
        if (r.missing() != null) {
            return new Outcome(100, "Reading package lists...\n", "E: Unable to locate package " + r.missing() + "\n");
        }
        List<String> fresh = r.install().stream().filter(p -> !sys.packages.contains(p)).toList();
        if (!fresh.isEmpty() && !yes) {
            return new Outcome(1, "Do you want to continue? [Y/n] Abort.\n", "");
        }
        sys.install(fresh);
        return Outcome.ok("Reading package lists...\n" + fresh.size() + " newly installed\n");
    }

    private static Outcome dpkgQuery(GuestSystem sys, List<String> a) {
        if (a.size() != 2 || !a.get(0).equals("-W")) {
            return usage("dpkg-query", "dpkg-query -W <pkg>");
        }
        String p = a.get(1);
        return sys.packages.contains(p) ? Outcome.ok(p + "\t" + version(p) + "\n")
                : Outcome.fail(1, "dpkg-query: no packages found matching " + p + "\n");
    }

    private static Outcome dpkgStatus(GuestSystem sys, String p) {
        if (!sys.packages.contains(p)) {
            return Outcome.fail(1, "dpkg-query: package '" + p + "' is not installed and no information is available\n");
        }
        return Outcome.ok("Package: " + p + "\nStatus: install ok installed\nVersion: " + version(p) + "\n");
    }

    private static String version(String p) {
        return "1.0-simulated";
    }

    private static Outcome docker(GuestSystem sys, List<String> a, String user) {
        if (!sys.files.containsKey("/usr/bin/docker")) {
            return notFound("docker");
        }
        boolean compose = a.equals(List.of("compose", "version"));
        if (!(a.equals(List.of("version")) || a.equals(List.of("info")) || compose)) {
            return usage("docker", "docker version|info|compose version");
        }
        if (compose) {
            if (!sys.packages.contains("docker-compose-plugin") && !sys.packages.contains("docker-compose-v2")) {
                return Outcome.fail(1, "docker: 'compose' is not a docker command.\nSee 'docker --help'\n");
            }
            return Outcome.ok("Docker Compose version v2.29.1\n");
        }
        if (!user.equals("root") && !sys.users.getOrDefault(user, Set.of()).contains("docker")) {
            return Outcome.fail(1, "permission denied while trying to connect to the Docker daemon socket at"
                    + " unix:///var/run/docker.sock: Get \"http://%2Fvar%2Frun%2Fdocker.sock/v1.47/info\": dial unix"
                    + " /var/run/docker.sock: connect: permission denied\n");
        }
        if (!sys.runningUnits.contains("docker")) {
            return Outcome.fail(1, "Cannot connect to the Docker daemon at unix:///var/run/docker.sock."
                    + " Is the docker daemon running?\n");
        }
        return Outcome.ok(a.get(0).equals("info") ? "Server Version: 27.1.1\nStorage Driver: overlay2\n"
                : "Client:\n Version: 27.1.1\nServer:\n Engine:\n  Version: 27.1.1\n");
    }

    private static Outcome nvidiaSmi(GuestSystem sys) {
        if (!sys.files.containsKey("/usr/bin/nvidia-smi")) {
            return notFound("nvidia-smi");
        }
        if (!sys.hostpci) {
            return Outcome.fail(9, "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver."
                    + " Make sure that the latest NVIDIA driver is installed and running.\n");
        }
        return Outcome.ok("+-----------------------------------------------------------------------------------------+\n"
                + "| NVIDIA-SMI 550.107.02             Driver Version: 550.107.02     CUDA Version: 12.4     |\n"
                + "+-----------------------------------------------------------------------------------------+\n");
    }

    private static Outcome cloudInit(GuestSystem sys, List<String> a) {
        if (a.isEmpty() || !a.get(0).equals("status")) {
            return Outcome.fail(2, "usage: cloud-init [-h] {init,modules,status,...}\n");
        }
        if (!sys.packages.contains("cloud-init")) {
            return notFound("cloud-init");
        }
        String format = statusFormat(a);
        if (format == null) {
            // argparse: choices=["json", "tabular", "yaml"]
            return Outcome.fail(2, "usage: cloud-init status [-h] [--format {json,tabular,yaml}] [-l] [-w]\n"
                    + "cloud-init status: error: argument --format: invalid choice (choose from 'json', 'tabular', 'yaml')\n");
        }
        return sys.cloudInitStatus(a.contains("--long") || a.contains("-l"), format);
    }

    /** The {@code --format} of {@code cloud-init status} args ({@code --format json} or {@code --format=json}); null if invalid. */
    static String statusFormat(List<String> args) {
        String format = "tabular";
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--format")) {
                format = i + 1 < args.size() ? args.get(i + 1) : "";
            } else if (a.startsWith("--format=")) {
                format = a.substring("--format=".length());
            }
        }
        return List.of("json", "tabular", "yaml").contains(format) ? format : null;
    }

    // ---- sh -c -------------------------------------------------------------------------------

    private static Outcome shell(GuestSystem sys, String name, List<String> a, String stdin, String user, String source) {
        if (a.size() != 2 || !a.get(0).equals("-c")) {
            return usage(name, name + " -c '<commands>'");
        }
        List<List<String>> words = new ArrayList<>();
        List<String> ops = new ArrayList<>();
        String err = split(a.get(1), words, ops);
        if (err != null) {
            return Outcome.fail(2, name + ": " + err + "\n");
        }
        StringBuilder out = new StringBuilder();
        StringBuilder errs = new StringBuilder();
        int last = 0;
        boolean skip = false;
        for (int i = 0; i < words.size(); i++) {
            List<String> cmd = words.get(i);
            if (!skip && !cmd.isEmpty()) {
                if (cmd.get(0).equals("exit")) {
                    int code = cmd.size() > 1 && cmd.get(1).matches("\\d{1,3}") ? Integer.parseInt(cmd.get(1)) & 0xFF : last;
                    return new Outcome(code, out.toString(), errs.toString());
                }
                Outcome o = run(sys, cmd, stdin, user, source);
                out.append(o.stdout());
                errs.append(o.stderr());
                last = o.exitCode();
            }
            String op = i < ops.size() ? ops.get(i) : ";";
            skip = op.equals("&&") ? (skip || last != 0) : false;
        }
        return new Outcome(last, out.toString(), errs.toString());
    }

    /** Splits {@code script} into commands (words, quotes honoured, no expansions) and the operators between them. */
    static String split(String script, List<List<String>> commands, List<String> ops) {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        while (i < script.length()) {
            char c = script.charAt(i);
            if (c == '\'') {
                int end = script.indexOf('\'', i + 1);
                if (end < 0) {
                    return "Syntax error: Unterminated quoted string";
                }
                w.append(script, i + 1, end);
                inWord = true;
                i = end + 1;
            } else if (c == '"') {
                int j = i + 1;
                while (j < script.length() && script.charAt(j) != '"') {
                    if (script.charAt(j) == '\\' && j + 1 < script.length() && "\"\\$`".indexOf(script.charAt(j + 1)) >= 0) {
                        j++;
                    }
                    w.append(script.charAt(j));
                    j++;
                }
                if (j >= script.length()) {
                    return "Syntax error: Unterminated quoted string";
                }
                inWord = true;
                i = j + 1;
            } else if (c == '\\' && i + 1 < script.length()) {
                if (script.charAt(i + 1) != '\n') {
                    w.append(script.charAt(i + 1));
                    inWord = true;
                }
                i += 2;
            } else if (c == ' ' || c == '\t') {
                if (inWord) {
                    words.add(w.toString());
                    w.setLength(0);
                    inWord = false;
                }
                i++;
            } else if (c == ';' || c == '\n' || (c == '&' && i + 1 < script.length() && script.charAt(i + 1) == '&')) {
                if (inWord) {
                    words.add(w.toString());
                    w.setLength(0);
                    inWord = false;
                }
                commands.add(List.copyOf(words));
                words.clear();
                ops.add(c == '&' ? "&&" : ";");
                i += c == '&' ? 2 : 1;
            } else if (c == '#' && !inWord) {
                while (i < script.length() && script.charAt(i) != '\n') {
                    i++;
                }
            } else {
                w.append(c);
                inWord = true;
                i++;
            }
        }
        if (inWord) {
            words.add(w.toString());
        }
        commands.add(List.copyOf(words));
        return null;
    }
}
