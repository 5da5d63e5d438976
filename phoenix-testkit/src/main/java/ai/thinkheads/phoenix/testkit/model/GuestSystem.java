package ai.thinkheads.phoenix.testkit.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One guest operating system, as it lives on a VM's boot disk: the persistent part (packages,
 * enabled units, users, files, fstab, the instance-ids cloud-init ran) is copied with the disk
 * (clone, snapshot); the running part (units running, mounts active, this boot's cloud-init run)
 * exists between {@link #boot} and {@link #halt}. Package-private: {@link PveCluster} drives it
 * under its lock, tests read {@link GuestState}.
 *
 * <h2>Boot</h2>
 * {@link #boot} schedules two moments: the system is up after the cluster's boot delay (enabled
 * units start, and qemu-guest-agent when the VM has the agent's virtio port, as Ubuntu's udev rule
 * starts it; fstab mounts whose helper is installed come up); cloud-init ends a configurable time
 * later. If the seed's instance-id differs from the last one run, cloud-init runs its per-instance
 * modules in Ubuntu's order (init: write_files, mounts, set_hostname, users_groups, ssh; config:
 * apt_configure; final: package_update_upgrade_install, write_files deferred, scripts_user, which
 * runs runcmd) and records the id; otherwise it only reports done. Effects become visible when
 * cloud-init ends. {@link #settle} brings both moments about when their time has come.
 *
 * <h2>Commands</h2>
 * {@link #exec} runs a small, strict set of programs, documented in {@link GuestCommands}.
 */
final class GuestSystem {

    static final String AGENT_UNIT = "qemu-guest-agent";
    private static final YAMLMapper YAML = new YAMLMapper();

    /** An fstab entry. */
    record FstabEntry(String device, String mountPoint, String fsType, String options) {
    }

    // ---- persistent: copied with the disk ------------------------------------------------
    final String image;
    String hostname;
    final Set<String> packages = new TreeSet<>();
    final Set<String> enabledUnits = new TreeSet<>();
    final Map<String, Set<String>> users = new TreeMap<>();
    final Set<String> groups = new TreeSet<>();
    final Map<String, String> files = new TreeMap<>();
    final Set<String> directories = new TreeSet<>();
    final List<String> aptSources = new ArrayList<>();
    final List<FstabEntry> fstab = new ArrayList<>();
    final List<String> instanceIds = new ArrayList<>();
    final List<GuestState.Command> commands = new ArrayList<>();

    // ---- running: this boot only -----------------------------------------------------------
    boolean powered;
    boolean up;
    Instant upAt;
    Instant cloudInitEndsAt;
    boolean agentPort;
    boolean hostpci;
    final Set<String> runningUnits = new TreeSet<>();
    final Set<String> mounted = new TreeSet<>();
    String ciStatus = "not run";
    boolean ciDegraded;
    final List<String> ciErrors = new ArrayList<>();
    /** cloud-init's recoverable errors by log level, as status.json's {@code recoverable_errors} aggregates them. */
    final Map<String, List<String>> ciRecoverable = new TreeMap<>();
    String ciDatasource = "";
    private PlannedRun planned;

    /** A cloud-init run decided at boot and applied when it ends. */
    private record PlannedRun(CloudInitSeed seed, JsonNode config, boolean newInstance, String parseError) {
    }

    GuestSystem(GuestImage from) {
        this.image = from.name();
        this.hostname = from.hostname();
        packages.addAll(from.packages());
        groups.addAll(List.of("root", "adm", "cdrom", "sudo", "dip", "plugdev", "lxd", "users"));
        users.put("root", new TreeSet<>());
        directories.addAll(List.of("/", "/etc", "/home", "/mnt", "/opt", "/root", "/srv", "/tmp", "/usr", "/var"));
        files.put("/etc/hostname", hostname + "\n");
        for (String p : from.packages()) {
            UbuntuArchive.Pkg pkg = UbuntuArchive.get(p);
            if (pkg != null) {
                installEffects(pkg, false);
            }
        }
    }

    private GuestSystem(GuestSystem o) {
        this.image = o.image;
        this.hostname = o.hostname;
        packages.addAll(o.packages);
        enabledUnits.addAll(o.enabledUnits);
        o.users.forEach((u, g) -> users.put(u, new TreeSet<>(g)));
        groups.addAll(o.groups);
        files.putAll(o.files);
        directories.addAll(o.directories);
        aptSources.addAll(o.aptSources);
        fstab.addAll(o.fstab);
        instanceIds.addAll(o.instanceIds);
        commands.addAll(o.commands);
    }

    /** The disk's copy: the persistent part only, as a clone or snapshot of the disk has it. */
    GuestSystem copy() {
        return new GuestSystem(this);
    }

    // =====================================================================================
    // power
    // =====================================================================================

    /**
     * Power on at {@code now}: up at {@code upAt}; cloud-init reads {@code seed} (null: no
     * datasource found, cloud-init disabled by ds-identify) and ends {@code base} (+
     * {@code perPackage} per package to install on a new instance) after the system is up.
     */
    void boot(Instant upAt, boolean agentPort, boolean hostpci, CloudInitSeed seed, Duration base, Duration perPackage) {
        halt();
        this.powered = true;
        this.upAt = upAt;
        this.agentPort = agentPort;
        this.hostpci = hostpci;
        if (!packages.contains("cloud-init")) {
            ciStatus = "not run";
            cloudInitEndsAt = null;
            return;
        }
        if (seed == null) {
            // cloud-init's systemd generator (ds-identify) disables cloud-init when no datasource is found
            ciStatus = "disabled";
            cloudInitEndsAt = null;
            return;
        }
        ciStatus = "running";
        ciDatasource = seed.datasource();
        String lastId = instanceIds.isEmpty() ? null : instanceIds.get(instanceIds.size() - 1);
        boolean newInstance = !seed.instanceId().equals(lastId);
        JsonNode config = YAML.createObjectNode();
        String parseError = null;
        String ud = seed.userData();
        if (ud != null && ud.startsWith("#cloud-config")) {
            try {
                JsonNode parsed = YAML.readTree(ud);
                if (parsed == null || parsed.isNull() || parsed.isMissingNode()) {
                    config = YAML.createObjectNode();
                } else if (!parsed.isObject()) {
                    parseError = "cloud-config is not a dictionary: " + parsed.getNodeType();
                } else {
                    config = parsed;
                }
            } catch (java.io.IOException e) {
                // cloudinit/util.py load_yaml logs "Failed loading yaml blob"; the config part is dropped
                parseError = "Failed loading yaml blob. " + firstLine(e.getMessage());
            }
        }
        // a user-data that does not start with #cloud-config is not cloud-config (a script or
        // an unknown part type): cloud-init's cloud-config handler never sees it
        this.planned = new PlannedRun(seed, config, newInstance, parseError);
        int pkgs = newInstance ? packageList(config).size() + (truthy(config.get("package_upgrade")) ? 1 : 0) : 0;
        this.cloudInitEndsAt = upAt.plus(base).plus(perPackage.multipliedBy(pkgs));
    }

    /** Power off: everything running stops; a cloud-init run not ended yet never ends. */
    void halt() {
        powered = false;
        up = false;
        upAt = null;
        cloudInitEndsAt = null;
        planned = null;
        runningUnits.clear();
        mounted.clear();
        ciStatus = "not run";
        ciDegraded = false;
        ciErrors.clear();
        ciRecoverable.clear();
        ciDatasource = "";
    }

    /** Brings about the boot-up and cloud-init's end if their time has come by {@code now}. */
    void settle(Instant now) {
        if (!powered) {
            return;
        }
        if (!up && upAt != null && !now.isBefore(upAt)) {
            up = true;
            for (String unit : enabledUnits) {
                runningUnits.add(unit);
            }
            if (agentPort && packages.contains("qemu-guest-agent")) {
                // Ubuntu: /lib/udev/rules.d/60-qemu-guest-agent.rules starts the static unit when the port appears
                runningUnits.add(AGENT_UNIT);
            }
            for (FstabEntry e : fstab) {
                if (mountHelperPresent(e)) {
                    mounted.add(e.mountPoint());
                }
            }
        }
        if (up && planned != null && cloudInitEndsAt != null && !now.isBefore(cloudInitEndsAt)) {
            PlannedRun run = planned;
            planned = null;
            if (run.newInstance()) {
                runModules(run);
                instanceIds.add(run.seed().instanceId());
            }
            if (run.parseError() != null) {
                ciErrors.add(run.parseError());
            }
            ciStatus = ciErrors.isEmpty() ? "done" : "error";
        }
    }

    boolean agentRunning() {
        return up && runningUnits.contains(AGENT_UNIT);
    }

    /** When this boot's cloud-init ends, or null when it is not running. */
    Instant cloudInitEnd() {
        return planned == null ? null : cloudInitEndsAt;
    }

    // =====================================================================================
    // cloud-init modules
    // =====================================================================================

    private void runModules(PlannedRun run) {
        JsonNode c = run.config();
        writeFiles(c, false);
        mounts(c);
        setHostname(c);
        usersAndGroups(c);
        aptConfigure(c);
        packageUpdateUpgradeInstall(c);
        writeFiles(c, true);
        runcmd(c);
    }

    private void writeFiles(JsonNode c, boolean deferred) {
        for (JsonNode f : iterable(c.get("write_files"))) {
            if (truthy(f.get("defer")) != deferred || !f.hasNonNull("path")) {
                continue;
            }
            String content = text(f.get("content"));
            String encoding = text(f.get("encoding"));
            if (encoding.equals("b64") || encoding.equals("base64")) {
                content = new String(Base64.getMimeDecoder().decode(content), StandardCharsets.UTF_8);
            }
            String path = text(f.get("path"));
            mkdirs(parent(path));
            if (text(f.get("append")).equals("true") && files.containsKey(path)) {
                files.put(path, files.get(path) + content);
            } else {
                files.put(path, content);
            }
        }
    }

    /** cc_mounts: fstab entries are added, mount points made, {@code mount -a} run; its failure is logged, a recoverable error. */
    private void mounts(JsonNode c) {
        boolean any = false;
        for (JsonNode m : iterable(c.get("mounts"))) {
            if (!m.isArray() || m.size() < 2 || m.get(1).isNull()) {
                continue;
            }
            String device = text(m.get(0));
            String point = text(m.get(1));
            String type = m.size() > 2 ? text(m.get(2)) : "auto";
            String opts = m.size() > 3 ? text(m.get(3)) : "defaults,nofail,x-systemd.after=cloud-init.service,_netdev";
            fstab.removeIf(e -> e.mountPoint().equals(point));
            fstab.add(new FstabEntry(device, point, type, opts));
            mkdirs(point);
            any = true;
        }
        if (any) {
            rewriteFstab();
            Outcome r = mountAll();
            if (r.exitCode() != 0) {
                // cloudinit/config/cc_mounts.py: util.logexc(log, "Activating mounts via 'mount -a' failed"),
                // a WARNING that cloud-init's log handler records among the stage's recoverable_errors
                ciDegraded = true;
                ciRecoverable.computeIfAbsent("WARNING", k -> new ArrayList<>()).add("Activating mounts via 'mount -a' failed");
            }
        }
    }

    private void setHostname(JsonNode c) {
        String h = text(c.get("hostname"));
        if (h.isEmpty() && c.hasNonNull("fqdn")) {
            h = text(c.get("fqdn"));
        }
        if (!h.isEmpty()) {
            hostname = h.contains(".") ? h.substring(0, h.indexOf('.')) : h;
            files.put("/etc/hostname", hostname + "\n");
        }
    }

    /** cc_users_groups and cc_ssh: {@code groups}, {@code user} (renames the default user), {@code users}, ssh keys. */
    private void usersAndGroups(JsonNode c) {
        for (JsonNode g : iterable(c.get("groups"))) {
            if (g.isTextual()) {
                groups.add(g.asText());
            } else if (g.isObject()) {
                g.fields().forEachRemaining(e -> {
                    groups.add(e.getKey());
                    for (JsonNode member : iterable(e.getValue())) {
                        if (users.containsKey(member.asText())) {
                            users.get(member.asText()).add(e.getKey());
                        }
                    }
                });
            }
        }
        String defaultUser = "ubuntu";
        JsonNode user = c.get("user");
        if (user != null && user.isTextual()) {
            defaultUser = user.asText();
        } else if (user != null && user.hasNonNull("name")) {
            defaultUser = text(user.get("name"));
        }
        JsonNode list = c.get("users");
        List<JsonNode> entries = new ArrayList<>();
        if (list == null || list.isNull()) {
            entries.add(YAML.getNodeFactory().textNode("default"));
        } else {
            iterable(list).forEach(entries::add);
        }
        for (JsonNode u : entries) {
            if (u.isTextual() && u.asText().equals("default")) {
                addUser(defaultUser, List.of("adm", "cdrom", "sudo", "dip", "lxd"));
                authorize(defaultUser, c.get("ssh_authorized_keys"));
            } else if (u.isTextual()) {
                addUser(u.asText(), List.of());
            } else if (u.hasNonNull("name")) {
                String name = text(u.get("name"));
                List<String> gs = new ArrayList<>();
                JsonNode g = u.get("groups");
                if (g != null && g.isTextual()) {
                    for (String s : g.asText().split(",")) {
                        if (!s.isBlank()) {
                            gs.add(s.trim());
                        }
                    }
                } else {
                    iterable(g).forEach(x -> gs.add(x.asText()));
                }
                addUser(name, gs);
                authorize(name, u.get("ssh_authorized_keys"));
            }
        }
    }

    private void addUser(String name, List<String> supplementary) {
        Set<String> gs = users.computeIfAbsent(name, k -> new TreeSet<>());
        // distros.create_user creates groups that do not exist yet
        groups.add(name);
        for (String g : supplementary) {
            groups.add(g);
            gs.add(g);
        }
        mkdirs(home(name));
    }

    private void authorize(String user, JsonNode keys) {
        List<String> lines = new ArrayList<>();
        iterable(keys).forEach(k -> lines.add(k.asText()));
        if (keys != null && keys.isTextual()) {
            lines.add(keys.asText());
        }
        if (lines.isEmpty()) {
            return;
        }
        String path = home(user) + "/.ssh/authorized_keys";
        mkdirs(home(user) + "/.ssh");
        files.put(path, files.getOrDefault(path, "") + String.join("\n", lines) + "\n");
    }

    private static String home(String user) {
        return user.equals("root") ? "/root" : "/home/" + user;
    }

    /** cc_apt_configure: {@code apt: sources: <name>: source: "deb [...] URI suite comp"} adds a source list file. */
    private void aptConfigure(JsonNode c) {
        JsonNode apt = c.get("apt");
        if (apt == null || !apt.has("sources")) {
            return;
        }
        apt.get("sources").fields().forEachRemaining(e -> {
            String line = text(e.getValue().get("source"));
            String uri = "";
            for (String w : line.replaceAll("\\[[^]]*]", " ").split("\\s+")) {
                if (w.contains("://")) {
                    uri = w.substring(w.indexOf("://") + 3);
                    break;
                }
            }
            if (!uri.isEmpty()) {
                aptSources.add(uri);
            }
            String name = e.getKey().endsWith(".list") ? e.getKey() : e.getKey() + ".list";
            files.put("/etc/apt/sources.list.d/" + name, line + "\n");
        });
    }

    /** cc_package_update_upgrade_install: apt-get update / dist-upgrade / install; a failed install fails the module. */
    private void packageUpdateUpgradeInstall(JsonNode c) {
        List<String> pkgs = packageList(c);
        // apt-get update and dist-upgrade always succeed here; only the install can fail
        if (pkgs.isEmpty()) {
            return;
        }
        UbuntuArchive.Resolution r = UbuntuArchive.resolve(pkgs, aptSources);
        if (r.missing() != null) {
            // apt-get exits 100; cc_package_update_upgrade_install logs "Failed to install packages" and re-raises
            ciErrors.add("E: Unable to locate package " + r.missing());
            ciErrors.add("Failed to install packages: " + pkgs);
            return;
        }
        install(r.install());
    }

    /** scripts_user runs the runcmd script; a non-zero exit of the script fails the module. */
    private void runcmd(JsonNode c) {
        JsonNode cmds = c.get("runcmd");
        if (cmds == null || !cmds.isArray() || cmds.isEmpty()) {
            return;
        }
        int last = 0;
        for (JsonNode cmd : cmds) {
            Outcome o;
            if (cmd.isArray()) {
                List<String> argv = new ArrayList<>();
                cmd.forEach(a -> argv.add(a.asText()));
                o = GuestCommands.run(this, argv, null, "root", "runcmd");
            } else {
                o = GuestCommands.run(this, List.of("sh", "-c", cmd.asText()), null, "root", "runcmd");
            }
            last = o.exitCode();
        }
        if (last != 0) {
            // cloudinit/config/cc_scripts_user.py: "Failed to run module scripts_user (scripts in ...)"
            ciErrors.add("Failed to run module scripts_user (scripts in /var/lib/cloud/instance/scripts)");
        }
    }

    // =====================================================================================
    // system operations shared by modules and commands
    // =====================================================================================

    /** Installs {@code names} (already resolved): units enabled/started as their packages do, groups and files made. */
    void install(List<String> names) {
        for (String n : names) {
            if (packages.add(n)) {
                installEffects(UbuntuArchive.get(n), up);
            }
        }
    }

    private void installEffects(UbuntuArchive.Pkg pkg, boolean start) {
        groups.addAll(pkg.groups());
        for (String f : pkg.files()) {
            mkdirs(parent(f));
            files.putIfAbsent(f, "");
        }
        if (pkg.unit() != null) {
            if (pkg.enabledOnInstall()) {
                enabledUnits.add(pkg.unit());
            }
            if (start && pkg.startOnInstall()) {
                runningUnits.add(pkg.unit());
            }
        }
    }

    boolean mountHelperPresent(FstabEntry e) {
        if (e.fsType().startsWith("nfs")) {
            return files.containsKey("/sbin/mount.nfs");
        }
        if (e.fsType().equals("cifs")) {
            return files.containsKey("/sbin/mount.cifs");
        }
        return true;
    }

    /** {@code mount -a}: every fstab entry whose helper is installed; the first without one fails it (exit 32, util-linux). */
    Outcome mountAll() {
        StringBuilder err = new StringBuilder();
        int exit = 0;
        for (FstabEntry e : fstab) {
            if (mountHelperPresent(e)) {
                mkdirs(e.mountPoint());
                mounted.add(e.mountPoint());
            } else {
                err.append("mount: ").append(e.mountPoint()).append(": bad option; for several filesystems (e.g. nfs, cifs)"
                        + " you might need a /sbin/mount.<type> helper program.\n");
                exit = 32;
            }
        }
        return new Outcome(exit, "", err.toString());
    }

    private void rewriteFstab() {
        StringBuilder sb = new StringBuilder("LABEL=cloudimg-rootfs\t/\t ext4\tdiscard,commit=30,errors=remount-ro\t0 1\n");
        for (FstabEntry e : fstab) {
            sb.append(e.device()).append('\t').append(e.mountPoint()).append('\t').append(e.fsType()).append('\t')
                    .append(e.options()).append("\t0\t0\t# cloudconfig\n");
        }
        files.put("/etc/fstab", sb.toString());
    }

    void mkdirs(String dir) {
        String d = dir;
        while (d != null && !d.isEmpty()) {
            directories.add(d);
            d = d.equals("/") ? null : parent(d);
        }
    }

    static String parent(String path) {
        int i = path.lastIndexOf('/');
        return i <= 0 ? "/" : path.substring(0, i);
    }

    /** Runs {@code argv} as the agent does (as root, no shell) and records it. */
    Outcome exec(List<String> argv, String stdin) {
        return GuestCommands.run(this, argv, stdin, "root", "agent");
    }

    /** The outcome of {@code cloud-init status [--long]} now, in tabular form. */
    Outcome cloudInitStatus(boolean longForm) {
        return cloudInitStatus(longForm, "tabular");
    }

    /**
     * The outcome of {@code cloud-init status [--long] [--format json|yaml|tabular]} now, as
     * {@code cloudinit/cmd/status.py} prints it: {@code print_status} (tabular: {@code status:} and,
     * long, {@code TABULAR_LONG_TMPL}; json: the details sorted, indented by 2; yaml: the same
     * details) and {@code handle_status_args}' exit codes (error 1, degraded 2: cloud-init >= 23.4,
     * as on noble).
     */
    Outcome cloudInitStatus(boolean longForm, String format) {
        String status = ciStatus;
        // translate_status: an error is "error - <running>", a degraded run "degraded <running>"
        String extended = status.equals("error") ? "error - done" : (ciDegraded ? "degraded " : "") + status;
        String boot = status.equals("disabled") ? "disabled-by-generator" : "enabled-by-generator";
        String detail = ciDatasource.isEmpty() ? "" : "DataSource" + ciDatasource;
        int exit = status.equals("error") ? 1 : ciDegraded ? 2 : 0;
        if (!format.equals("tabular")) {
            Map<String, Object> details = new TreeMap<>();
            details.put("boot_status_code", boot);
            // get_datasource: "DataSourceNoCloud [seed=/dev/sr0]" -> "nocloud"
            details.put("datasource", detail.split(" ", 2)[0].toLowerCase(java.util.Locale.ROOT).replace("datasource", ""));
            details.put("detail", detail);
            details.put("errors", List.copyOf(ciErrors));
            details.put("extended_status", extended);
            details.put("last_update", "");
            details.put("recoverable_errors", new TreeMap<>(ciRecoverable));
            details.put("status", status);
            if (format.equals("json")) {
                StringBuilder json = new StringBuilder();
                pythonJson(details, "", json);
                return new Outcome(exit, json.append('\n').toString(), "");
            }
            try {
                return new Outcome(exit, new YAMLMapper().writeValueAsString(details), "");
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("a map of strings always serialises", e);
            }
        }
        StringBuilder out = new StringBuilder("status: ").append(status).append('\n');
        if (longForm) {
            out.append("extended_status: ").append(extended).append('\n');
            out.append("boot_status_code: ").append(boot).append('\n');
            out.append("detail: ").append(detail).append('\n');
            if (ciErrors.isEmpty()) {
                out.append("errors: []\n");
            } else {
                out.append("errors:\n");
                ciErrors.forEach(e -> out.append("\t- ").append(e).append('\n'));
            }
            if (ciRecoverable.isEmpty()) {
                out.append("recoverable_errors: {}\n");
            } else {
                out.append("recoverable_errors:\n");
                ciRecoverable.forEach((level, messages) -> {
                    out.append(level).append(":\n");
                    messages.forEach(m -> out.append("\t- ").append(m.replace("\n", " ")).append('\n'));
                });
            }
        }
        return new Outcome(exit, out.toString(), "");
    }

    /** Python's {@code json.dumps(value, indent=2, sort_keys=True, separators=(",", ": "))} of maps, lists and strings. */
    private static void pythonJson(Object value, String indent, StringBuilder out) {
        String inner = indent + "  ";
        if (value instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                out.append("{}");
                return;
            }
            out.append("{\n");
            int i = 0;
            for (Map.Entry<?, ?> e : new TreeMap<>(m).entrySet()) {
                out.append(inner);
                pythonJson(String.valueOf(e.getKey()), inner, out);
                out.append(": ");
                pythonJson(e.getValue(), inner, out);
                out.append(++i < m.size() ? ",\n" : "\n");
            }
            out.append(indent).append('}');
        } else if (value instanceof List<?> l) {
            if (l.isEmpty()) {
                out.append("[]");
                return;
            }
            out.append("[\n");
            for (int i = 0; i < l.size(); i++) {
                out.append(inner);
                pythonJson(l.get(i), inner, out);
                out.append(i + 1 < l.size() ? ",\n" : "\n");
            }
            out.append(indent).append(']');
        } else {
            // ensure_ascii (the default): non-ASCII as \\uXXXX
            out.append('"');
            for (char c : String.valueOf(value).toCharArray()) {
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\t' -> out.append("\\t");
                    case '\r' -> out.append("\\r");
                    default -> out.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c));
                }
            }
            out.append('"');
        }
    }

    GuestState view() {
        Map<String, GuestState.Service> services = new TreeMap<>();
        for (String p : packages) {
            UbuntuArchive.Pkg pkg = UbuntuArchive.get(p);
            if (pkg != null && pkg.unit() != null) {
                services.put(pkg.unit(), new GuestState.Service(enabledUnits.contains(pkg.unit()), runningUnits.contains(pkg.unit())));
            }
        }
        Map<String, Set<String>> us = new TreeMap<>();
        users.forEach((u, g) -> us.put(u, Set.copyOf(g)));
        List<GuestState.Mount> ms = new ArrayList<>();
        for (FstabEntry e : fstab) {
            ms.add(new GuestState.Mount(e.device(), e.mountPoint(), e.fsType(), mounted.contains(e.mountPoint())));
        }
        return new GuestState(true, image, hostname, packages, services, us, groups, files, directories, aptSources, ms,
                new GuestState.CloudInit(ciStatus, ciDegraded, ciErrors, ciDatasource), instanceIds, commands);
    }

    // ---- YAML helpers ------------------------------------------------------------------------

    static List<String> packageList(JsonNode c) {
        List<String> out = new ArrayList<>();
        for (JsonNode p : iterable(c.get("packages"))) {
            out.add(p.isArray() && !p.isEmpty() ? p.get(0).asText() : p.asText());
        }
        return out;
    }

    static Iterable<JsonNode> iterable(JsonNode n) {
        if (n == null || !n.isArray()) {
            return List.of();
        }
        return n::elements;
    }

    static String text(JsonNode n) {
        return n == null || n.isNull() ? "" : n.asText();
    }

    /** YAML 1.1 booleans as cloud-init reads them (true/yes/on, any case). */
    static boolean truthy(JsonNode n) {
        if (n == null || n.isNull()) {
            return false;
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        return Set.of("true", "yes", "on", "1").contains(n.asText().toLowerCase(java.util.Locale.ROOT));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }

    /** How a command ends: its exit code and output. */
    record Outcome(int exitCode, String stdout, String stderr) {
        static Outcome ok(String out) {
            return new Outcome(0, out, "");
        }

        static Outcome fail(int code, String err) {
            return new Outcome(code, "", err);
        }
    }
}
