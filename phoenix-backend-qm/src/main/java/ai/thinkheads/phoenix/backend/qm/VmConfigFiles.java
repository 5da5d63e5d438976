package ai.thinkheads.phoenix.backend.qm;

import ai.thinkheads.phoenix.config.TagList;
import ai.thinkheads.phoenix.hypervisor.VmConfig;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads many VM configs in one remote command: the config files themselves, as pmxcfs holds them
 * at {@code /etc/pve/nodes/<node>/qemu-server/<vmid>.conf}, printed by one
 * {@code tail -v -n +1 -- <path>...} (GNU tail: every file whole, each after a
 * {@code ==> <path> <==} header, the headers after the first preceded by an empty line; a missing
 * file is reported on stderr and skipped), then parsed here as qemu-server parses them.
 *
 * <h2>Parsing, as Proxmox does</h2>
 * <ul>
 *   <li>The digest is the SHA-1 (hex) of the whole file text: qemu-server {@code PVE::QemuServer::parse_vm_config}
 *       ({@code digest => Digest::SHA::sha1_hex($raw)}), the file as {@code cfs_read_file} hands it over.</li>
 *   <li>The top section is the current config; {@code [PENDING]} holds pending values and
 *       {@code delete:}; {@code [special:...]} and snapshot sections ({@code [name]}) follow and
 *       are skipped.</li>
 *   <li>Leading {@code #} lines are the description, each decoded with pve-common
 *       {@code PVE::Tools::decode_text} and joined with line feeds, trailing white space removed.</li>
 *   <li>The values are what {@code GET /nodes/{node}/qemu/{vmid}/config} returns without
 *       {@code current} (qemu-server {@code PVE::API2::Qemu} {@code vm_config}): pending values
 *       applied, pending deletions removed, {@code cipassword} shown as {@code **********}. So
 *       both reads (this and {@code pvesh get .../config}) give the same values and digest.</li>
 * </ul>
 *
 * <p>One command line holds at most {@link #MAX_COMMAND_CHARS} characters of paths (a remote
 * {@code sh -c} gets the whole line as one argument, which Linux caps at 128 KiB,
 * {@code MAX_ARG_STRLEN}), so about 2,000 VMs are read per command.
 */
final class VmConfigFiles {

    /** The most characters of quoted paths one {@code tail} command line carries. */
    static final int MAX_COMMAND_CHARS = 100_000;

    private static final Pattern HEADER = Pattern.compile("^==> (.+) <==$");
    private static final Pattern PENDING = Pattern.compile("^\\[PENDING\\]\\s*$", Pattern.CASE_INSENSITIVE);
    private static final Pattern SPECIAL = Pattern.compile("^\\[special:[a-z]+\\]\\s*$", Pattern.CASE_INSENSITIVE);
    private static final Pattern SNAPSHOT = Pattern.compile("^\\[([a-z][a-z0-9_\\-]+)\\]\\s*$", Pattern.CASE_INSENSITIVE);
    private static final Pattern COMMENT = Pattern.compile("^#(.*)$");
    private static final Pattern DESCRIPTION = Pattern.compile("^description:\\s*(.*\\S)\\s*$");
    private static final Pattern DELETE = Pattern.compile("^delete:\\s*(.*\\S)\\s*$");
    private static final Pattern OPTION = Pattern.compile("^([a-z][a-z_]*\\d*):\\s*(.+?)\\s*$");
    private static final Pattern PERCENT = Pattern.compile("%([0-9a-fA-F]{2})");

    private VmConfigFiles() {
    }

    /** Where pmxcfs keeps the config of {@code vm}. */
    static String path(VmRef vm) {
        return "/etc/pve/nodes/" + QmValidation.node(vm.node()) + "/qemu-server/" + vm.vmid() + ".conf";
    }

    /** The {@code tail} commands that print the files of {@code vms}, as few as the command-line limit allows. */
    static List<QmCommand> commands(Collection<VmRef> vms) {
        List<QmCommand> out = new ArrayList<>();
        List<String> argv = null;
        int chars = 0;
        for (VmRef vm : vms) {
            String p = path(vm);
            int cost = ShellQuoting.quote(p).length() + 1;
            if (argv == null || chars + cost > MAX_COMMAND_CHARS) {
                if (argv != null) {
                    out.add(QmCommand.of(argv));
                }
                argv = new ArrayList<>(List.of("tail", "-v", "-n", "+1", "--"));
                chars = 0;
            }
            argv.add(p);
            chars += cost;
        }
        if (argv != null) {
            out.add(QmCommand.of(argv));
        }
        return out;
    }

    /**
     * The configs in {@code tailOutput} of the VMs asked for, by VMID; a VM whose file was not
     * printed (it does not exist) is left out.
     */
    static Map<Integer, VmConfig> parse(String tailOutput, Collection<VmRef> asked) {
        Map<String, VmRef> byPath = new LinkedHashMap<>();
        asked.forEach(vm -> byPath.put(path(vm), vm));
        Map<String, String> files = split(tailOutput);
        Map<Integer, VmConfig> out = new LinkedHashMap<>();
        files.forEach((p, raw) -> {
            VmRef vm = byPath.get(p);
            if (vm == null) {
                throw new UnexpectedOutputException("tail", "a file that was not asked for: " + p);
            }
            out.put(vm.vmid(), parseFile(vm, raw));
        });
        return out;
    }

    /** path → file text, from GNU tail's {@code -v} output. */
    static Map<String, String> split(String out) {
        Map<String, String> files = new LinkedHashMap<>();
        String current = null;
        StringBuilder text = new StringBuilder();
        int at = 0;
        while (at < out.length()) {
            int nl = out.indexOf('\n', at);
            String line = nl < 0 ? out.substring(at) : out.substring(at, nl);
            int next = nl < 0 ? out.length() : nl + 1;
            Matcher h = HEADER.matcher(line);
            if (h.matches()) {
                if (current != null) {
                    files.put(current, withoutSeparator(text));
                }
                current = h.group(1);
                text.setLength(0);
            } else if (current == null) {
                throw new UnexpectedOutputException("tail", "output does not start with a '==> file <==' header");
            } else {
                text.append(out, at, next);
            }
            at = next;
        }
        if (current != null) {
            files.put(current, text.toString());
        }
        return files;
    }

    /** GNU tail puts an empty line before every header but the first: it is not part of the file. */
    private static String withoutSeparator(StringBuilder text) {
        int n = text.length();
        if (n > 0 && text.charAt(n - 1) == '\n' && (n == 1 || text.charAt(n - 2) == '\n')) {
            return text.substring(0, n - 1);
        }
        return text.toString();
    }

    /** One config file, as {@code GET .../config} (without {@code current}) shows it. */
    static VmConfig parseFile(VmRef vm, String raw) {
        Map<String, String> main = new TreeMap<>();
        Map<String, String> pending = new TreeMap<>();
        Map<String, String> section = main;
        boolean inSnapshotOrSpecial = false;
        StringBuilder descr = null;
        for (String line : raw.split("\n", -1)) {
            if (line.isBlank()) {
                continue;
            }
            if (PENDING.matcher(line).matches()) {
                finishDescription(section, descr);
                descr = null;
                section = pending;
                inSnapshotOrSpecial = false;
                continue;
            }
            if (SPECIAL.matcher(line).matches() || SNAPSHOT.matcher(line).matches()) {
                finishDescription(section, descr);
                descr = null;
                section = new TreeMap<>();
                inSnapshotOrSpecial = true;
                continue;
            }
            if (inSnapshotOrSpecial) {
                continue;
            }
            Matcher m = COMMENT.matcher(line);
            if (m.matches()) {
                descr = descr == null ? new StringBuilder() : descr;
                descr.append(decodeText(m.group(1))).append('\n');
                continue;
            }
            if ((m = DESCRIPTION.matcher(line)).matches()) {
                descr = descr == null ? new StringBuilder() : descr;
                descr.append(decodeText(m.group(1)));
            } else if ((m = DELETE.matcher(line)).matches()) {
                if (section == pending) {
                    section.put("delete", m.group(1));
                }
            } else if ((m = OPTION.matcher(line)).matches()) {
                section.put(m.group(1), m.group(2));
            } else {
                throw new UnexpectedOutputException("tail", "VM " + vm.vmid() + ": unparsable config line");
            }
        }
        finishDescription(section, descr);
        Map<String, String> values = new TreeMap<>(main);
        String deletes = pending.remove("delete");
        values.putAll(pending);
        if (deletes != null) {
            for (String key : TagList.splitList(deletes)) {
                // PVE::QemuConfig parse_pending_delete (split as split_list): a leading '!' marks a forced deletion
                values.remove(key.startsWith("!") ? key.substring(1) : key);
            }
        }
        if (values.containsKey("cipassword")) {
            values.put("cipassword", "**********");
        }
        return new VmConfig(vm, values, sha1Hex(raw));
    }

    private static void finishDescription(Map<String, String> section, StringBuilder descr) {
        if (descr != null) {
            section.put("description", descr.toString().replaceAll("\\s+$", ""));
        }
    }

    /** pve-common {@code PVE::Tools::decode_text}: {@code %XX} to bytes, then UTF-8. */
    static String decodeText(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Matcher m = PERCENT.matcher(text);
        int at = 0;
        while (m.find()) {
            bytes.writeBytes(text.substring(at, m.start()).getBytes(StandardCharsets.UTF_8));
            bytes.write(Integer.parseInt(m.group(1), 16));
            at = m.end();
        }
        bytes.writeBytes(text.substring(at).getBytes(StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    static String sha1Hex(String raw) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(raw.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JVM", e);
        }
    }
}
