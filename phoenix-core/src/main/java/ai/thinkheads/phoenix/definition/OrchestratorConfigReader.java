package ai.thinkheads.phoenix.definition;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.config.IpConfig;
import ai.thinkheads.phoenix.config.NameserverList;
import ai.thinkheads.phoenix.config.PropertyStringException;
import ai.thinkheads.phoenix.config.TagList;
import ai.thinkheads.phoenix.definition.JsonReading.Field;
import ai.thinkheads.phoenix.definition.VmDefinition.Feature;
import ai.thinkheads.phoenix.definition.VmDefinition.SnapshotPolicy;
import ai.thinkheads.phoenix.spec.CloudInit;
import ai.thinkheads.phoenix.spec.Disk;
import ai.thinkheads.phoenix.spec.InvalidSpecException;
import ai.thinkheads.phoenix.spec.InvalidValueException;
import ai.thinkheads.phoenix.spec.Nic;
import ai.thinkheads.phoenix.spec.Problem;
import ai.thinkheads.phoenix.spec.Source;
import ai.thinkheads.phoenix.spec.VmSpec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the shell orchestrator's {@code phoenix_vm_configs.json} (every revision Phoenix knows of:
 * 829c047, 093e2b5, 0385ea2 and its draft-07 schema) into a {@link DefinitionSet}.
 *
 * <p>Where to start:
 * <pre>{@code
 * DefinitionSet set = OrchestratorConfigReader.defaults().read(Path.of("phoenix_vm_configs.json"));
 * // or, with the cloud images somewhere else and linked clones:
 * OrchestratorConfigReader.builder().imageDirectory("/mnt/images").fullClones(false).build().read(path);
 * }</pre>
 *
 * <p>Every VM entry is merged with {@code vm_defaults} first (shallow, like jq's {@code //}: a
 * member the VM has — not null — wins as a whole; objects are not merged key by key). The mapping
 * of each field is in {@code docs/definition-format.md}; in short: {@code clone_from_vmid} is a
 * full clone (the orchestrator ran {@code qm clone --full}) of a template declared in the same file,
 * whose name goes into {@code dependsOn}; {@code template_image} is imported from
 * {@link #DEFAULT_IMAGE_DIRECTORY} (configurable); {@code volumes} and {@code firewall} go to
 * {@link VmDefinition#extras()}; fields with no meaning for provisioning ({@code portainer_role},
 * {@code traefik_service}, {@code docker_stacks}, ... and any unknown member) go to
 * {@link VmDefinition#ignored()} or {@link DefinitionSet#ignored()} by JSON path.
 *
 * <p>All problems are collected and thrown together as one {@link DefinitionException}, each with
 * JSON path, line and column; {@code VmSpec}'s own problems are attributed to the JSON field they
 * came from (e.g. {@code $.vms[1].cores}).
 */
public final class OrchestratorConfigReader {

    /** Where the orchestrator's cloud image ({@code template_image}) is looked for unless configured. */
    public static final String DEFAULT_IMAGE_DIRECTORY = "/var/lib/vz/template/iso";
    /** SCSI controller the orchestrator created VMs with ({@code qm set --scsihw virtio-scsi-pci}). */
    static final String ORCHESTRATOR_SCSIHW = "virtio-scsi-pci";

    static final Set<String> MAPPED = Set.of("vmid", "name", "is_template", "clone_from_vmid",
            "template_image", "cores", "memory_mb", "disk_size_gb", "storage_pool", "network_bridge", "start_at_boot",
            "boot_order", "boot_delay", "features", "snapshots", "template_snapshot_name", "qm_options", "volumes",
            "firewall", "network_config", "user_config", "dependencies", "count");
    /**
     * Members the orchestrator's files and schema use that have no meaning for provisioning a VM;
     * they go to the ignored maps like any unknown member, listed here so that the choice is explicit.
     */
    static final Set<String> KNOWN_IGNORED = Set.of("template", "portainer_role", "portainer_environment_name",
            "portainer_agent_hostname", "trigger_sync_on_completion", "traefik_service", "docker_stacks", "dns_records");
    private static final Pattern FEATURE_NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.-]*$");
    private static final Pattern GUEST_ID = Pattern.compile("^[0-9]{1,9}$");
    private static final Pattern VOLUME_ID = Pattern.compile("^[a-zA-Z][a-zA-Z0-9\\-_.]*[a-zA-Z0-9]:.+$");
    /** A JSON path's parent and its last member: {@code $.vms[1].portainer_role}, {@code $.vms[1]['odd key']}. */
    private static final Pattern LAST_MEMBER = Pattern.compile("^(.*?)(?:\\.([A-Za-z_][A-Za-z0-9_-]*)|\\['((?:[^'\\\\]|\\\\.)*)'\\])$");
    private static final Pattern QM_OPTION = Pattern.compile("^--?([a-z][a-z0-9_-]*)(?:=(.*))?$");

    private final String imageDirectory;
    private final String imageStorage;
    private final boolean fullClones;

    private OrchestratorConfigReader(Builder b) {
        this.imageDirectory = b.imageDirectory;
        this.imageStorage = b.imageStorage;
        this.fullClones = b.fullClones;
    }

    /** Images from {@link #DEFAULT_IMAGE_DIRECTORY}, full clones. */
    public static OrchestratorConfigReader defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Directory on the node that holds {@code template_image} files (unless {@link #imageStorage()} is set). */
    public String imageDirectory() {
        return imageDirectory;
    }

    /** Proxmox storage (content type iso) that holds {@code template_image} files, if configured instead of a directory. */
    public java.util.Optional<String> imageStorage() {
        return java.util.Optional.ofNullable(imageStorage);
    }

    public boolean fullClones() {
        return fullClones;
    }

    /** Reads {@code file} (UTF-8); problems name the file by its file name. */
    public DefinitionSet read(Path file) throws IOException {
        return read(Utf8File.read(file, String.valueOf(file.getFileName())), String.valueOf(file.getFileName()));
    }

    /**
     * Reads the JSON {@code text}.
     *
     * @param sourceName how problems name the input, e.g. the file name
     * @throws DefinitionException with every problem found
     */
    public DefinitionSet read(String text, String sourceName) {
        LocatedJson json = LocatedJson.parse(text, sourceName);
        return new Run(new JsonReading(json, sourceName)).read();
    }

    /** Options of the reader. */
    public static final class Builder {
        private String imageDirectory = DEFAULT_IMAGE_DIRECTORY;
        private String imageStorage;
        private boolean fullClones = true;

        private Builder() {
        }

        /** Absolute directory on the node holding the cloud images named by {@code template_image}. */
        public Builder imageDirectory(String directory) {
            if (directory == null || !directory.startsWith("/") || directory.contains(",") || directory.isBlank()
                    || directory.chars().anyMatch(c -> c < 0x20 || c == ' ')) {
                throw new IllegalArgumentException("imageDirectory: '" + directory + "' is not an absolute path");
            }
            this.imageDirectory = directory.length() > 1 && directory.endsWith("/")
                    ? directory.substring(0, directory.length() - 1) : directory;
            this.imageStorage = null;
            return this;
        }

        /**
         * Take {@code template_image} files from Proxmox storage {@code storageId} (content type
         * {@code iso}) instead of a directory: {@code noble.img} becomes {@code <storageId>:iso/noble.img}.
         */
        public Builder imageStorage(String storageId) {
            if (storageId == null || !storageId.matches("^[a-zA-Z][a-zA-Z0-9\\-_.]*[a-zA-Z0-9]$")) {
                throw new IllegalArgumentException("imageStorage: '" + storageId + "' is not a storage ID");
            }
            this.imageStorage = storageId;
            return this;
        }

        /** Full clones (the orchestrator's {@code qm clone --full}, the default) or linked clones. */
        public Builder fullClones(boolean value) {
            this.fullClones = value;
            return this;
        }

        public OrchestratorConfigReader build() {
            return new OrchestratorConfigReader(this);
        }
    }

    /** What the first pass learns about each VM entry, for clone sources and dependencies. */
    /** What the first pass knows of an entry: its index, name, template flag and disk_size_gb (or null). */
    private record Known(int index, String name, boolean template, Integer diskGb) {
    }

    /** One read of one document. */
    private final class Run {
        private final JsonReading r;
        private final Map<String, String> fileIgnored = new TreeMap<>();
        private final Map<Integer, Known> byVmid = new HashMap<>();
        /** Warnings found while mapping (firewall rules, other guests, a dropped disk size): path → message. */
        private final Map<String, String> warnings = new LinkedHashMap<>();

        Run(JsonReading r) {
            this.r = r;
        }

        DefinitionSet read() {
            JsonNode root = r.json().root();
            if (!root.isObject()) {
                r.problem("$", "expected an object with 'vm_defaults' and 'vms', got " + JsonReading.describe(root));
                r.throwIfAny();
            }
            ObjectNode doc = (ObjectNode) root;
            for (Map.Entry<String, JsonNode> e : doc.properties()) {
                if (!e.getKey().equals("vm_defaults") && !e.getKey().equals("vms")) {
                    fileIgnored.put(LocatedJson.child("$", e.getKey()), JsonReading.raw(e.getKey(), e.getValue()));
                }
            }
            ObjectNode defaults = r.object(JsonReading.member(doc, "$", "vm_defaults"));
            List<Field> entries = r.array(JsonReading.member(doc, "$", "vms"));
            if (entries == null) {
                if (!doc.has("vms") || doc.get("vms").isNull()) {
                    r.missing("$", "vms", "the list of VMs");
                }
                r.throwIfAny();
            }
            List<Map<String, Field>> merged = new ArrayList<>();
            for (Field entry : entries) {
                ObjectNode vm = r.object(entry);
                if (vm == null) {
                    if (!entry.present()) {
                        r.problem(entry.path(), "expected an object, got null");
                    }
                    merged.add(null);
                    continue;
                }
                Map<String, Field> fields = new LinkedHashMap<>();
                if (defaults != null) {
                    defaults.properties().forEach(d -> fields.put(d.getKey(),
                            new Field(d.getValue(), LocatedJson.child("$.vm_defaults", d.getKey()))));
                }
                vm.properties().forEach(v -> {
                    if (!v.getValue().isNull() || !fields.containsKey(v.getKey())) {
                        fields.put(v.getKey(), new Field(v.getValue(), LocatedJson.child(entry.path(), v.getKey())));
                    }
                });
                merged.add(fields);
            }
            index(entries, merged);
            List<VmDefinition> vms = new ArrayList<>();
            List<String> vmPaths = new ArrayList<>();
            for (int i = 0; i < merged.size(); i++) {
                if (merged.get(i) != null) {
                    VmDefinition d = vm(entries.get(i).path(), merged.get(i));
                    if (d != null) {
                        vms.add(d);
                        vmPaths.add(entries.get(i).path());
                    }
                }
            }
            checkCycles(entries, vms);
            r.throwIfAny();
            List<DefinitionNotice> notices = notices(doc, vms);
            List<VmDefinition> withNotices = new ArrayList<>();
            for (int i = 0; i < vms.size(); i++) {
                String vmPath = vmPaths.get(i);
                withNotices.add(vms.get(i).withNotices(notices.stream()
                        .filter(n -> !n.path().startsWith("$.vms[") || within(n.path(), vmPath)).toList()));
            }
            return new DefinitionSet(withNotices, fileIgnored);
        }

        /**
         * The file's notices: members the orchestrator does not define (typos, with a suggestion),
         * what the mapping warned about, and one list of the members Phoenix knows and ignores.
         */
        private List<DefinitionNotice> notices(ObjectNode doc, List<VmDefinition> vms) {
            List<DefinitionNotice> out = new ArrayList<>();
            Set<String> unknown = new HashSet<>();
            for (OrchestratorMembers.Unknown u : OrchestratorMembers.unknown(doc)) {
                unknown.add(u.path());
                out.add(DefinitionNotice.warning(r.source(), u.path(), r.json().at(u.path()).line(), u.message()));
            }
            warnings.forEach((path, message) -> out.add(DefinitionNotice.warning(r.source(), path, r.json().at(path).line(),
                    message)));
            out.sort(java.util.Comparator.comparingInt(DefinitionNotice::line)); // in file order (the sort is stable)
            TreeMap<String, String> ignored = new TreeMap<>(fileIgnored);
            vms.forEach(v -> ignored.putAll(v.ignored()));
            // member name → where: each known member Phoenix does not act on, named once
            Map<String, List<String>> byMember = new LinkedHashMap<>();
            for (String path : ignored.keySet()) {
                if (unknown.contains(path) || warnings.containsKey(path)) {
                    continue;
                }
                Matcher m = LAST_MEMBER.matcher(path);
                if (m.matches()) {
                    String member = m.group(2) != null ? m.group(2) : m.group(3);
                    byMember.computeIfAbsent(member, k -> new ArrayList<>()).add(m.group(1));
                }
            }
            if (!byMember.isEmpty()) {
                java.util.StringJoiner list = new java.util.StringJoiner("; ", "Phoenix does not act on ", "");
                byMember.forEach((member, where) -> list.add(member + " (" + String.join(", ", where) + ")"));
                out.add(new DefinitionNotice(DefinitionNotice.Kind.IGNORED, r.source(), "$", 1, list.toString()));
            }
            return out;
        }

        /** Whether {@code path} is {@code vmPath} or inside it ({@code $.vms[1].x}, not {@code $.vms[10]}). */
        private static boolean within(String path, String vmPath) {
            return path.equals(vmPath) || path.startsWith(vmPath + ".") || path.startsWith(vmPath + "[");
        }

        /** First pass: vmid → name and template flag; duplicate vmids and names are problems. */
        private void index(List<Field> entries, List<Map<String, Field>> merged) {
            Map<String, Integer> names = new HashMap<>();
            for (int i = 0; i < merged.size(); i++) {
                Map<String, Field> f = merged.get(i);
                if (f == null) {
                    continue;
                }
                Field vmidField = f.getOrDefault("vmid", new Field(null, entries.get(i).path() + ".vmid"));
                Field nameField = f.getOrDefault("name", new Field(null, entries.get(i).path() + ".name"));
                JsonNode vmid = vmidField.node();
                JsonNode name = nameField.node();
                JsonNode template = f.containsKey("is_template") ? f.get("is_template").node() : null;
                String n = name != null && name.isTextual() ? name.textValue() : null;
                if (n != null) {
                    Integer other = names.putIfAbsent(n, i);
                    if (other != null) {
                        r.problem(nameField.path(), "name '" + n + "' is already used by $.vms[" + other + "]");
                    }
                }
                if (vmid != null && vmid.isIntegralNumber() && vmid.canConvertToInt()) {
                    JsonNode disk = f.containsKey("disk_size_gb") ? f.get("disk_size_gb").node() : null;
                    Integer diskGb = disk != null && disk.isIntegralNumber() && disk.canConvertToInt() ? disk.intValue() : null;
                    Known k = new Known(i, n, template != null && template.isBoolean() && template.booleanValue(), diskGb);
                    Known other = byVmid.putIfAbsent(vmid.intValue(), k);
                    if (other != null) {
                        r.problem(vmidField.path(), "vmid " + vmid.intValue() + " is already used by $.vms[" + other.index() + "]");
                    }
                }
            }
        }

        private Field get(Map<String, Field> f, String vmPath, String key) {
            Field v = f.get(key);
            return v != null ? v : new Field(null, LocatedJson.child(vmPath, key));
        }

        private void ignore(Field field, String name, Map<String, String> vmIgnored) {
            String raw = JsonReading.raw(name, field.node());
            if (field.path().startsWith("$.vm_defaults")) {
                fileIgnored.put(field.path(), raw);
            } else {
                vmIgnored.put(field.path(), raw);
            }
        }

        private VmDefinition vm(String vmPath, Map<String, Field> f) {
            Map<String, String> ignored = new TreeMap<>();
            Map<String, String> extras = new TreeMap<>();
            for (Map.Entry<String, Field> e : f.entrySet()) {
                if (!MAPPED.contains(e.getKey())) {
                    ignore(e.getValue(), e.getKey(), ignored);
                }
            }
            Field vmidF = get(f, vmPath, "vmid");
            Field nameF = get(f, vmPath, "name");
            Integer vmid = r.integer(vmidF);
            String name = r.text(nameF);
            if (!vmidF.present()) {
                r.missing(vmPath, "vmid", "");
            }
            if (!nameF.present()) {
                r.missing(vmPath, "name", "");
            }
            boolean isTemplate = Boolean.TRUE.equals(r.bool(get(f, vmPath, "is_template")));
            Integer count = r.integer(get(f, vmPath, "count"));
            if (count != null && count != 1) {
                r.problem(get(f, vmPath, "count").path(), "count " + count
                        + " is not supported: Phoenix declares one VM per entry (give each its own vmid and name)");
            }

            VmSpec.Builder b = VmSpec.builder(name == null ? "unnamed" : name);
            Map<String, String> specPaths = new LinkedHashMap<>();
            specPaths.put("name", nameF.path());
            if (vmid != null) {
                b.vmid(vmid);
            }
            specPaths.put("vmid", vmidF.path());
            List<String> dependsOn = new ArrayList<>();

            // --- source
            Field cloneF = get(f, vmPath, "clone_from_vmid");
            Field imageF = get(f, vmPath, "template_image");
            Integer cloneFrom = r.integer(cloneF);
            String image = r.text(imageF);
            Source source = null;
            if (cloneF.present() && imageF.present()) {
                r.problem(cloneF.path(), "give either clone_from_vmid or template_image, not both");
            } else if (cloneFrom != null) {
                Known src = byVmid.get(cloneFrom);
                if (src == null) {
                    r.problem(cloneF.path(), "no VM with vmid " + cloneFrom + " in this file to clone from (vmids: "
                            + new TreeMap<>(byVmid).keySet() + ")");
                } else if (cloneFrom.equals(vmid)) {
                    r.problem(cloneF.path(), "a VM cannot be cloned from itself");
                } else if (!src.template()) {
                    r.problem(cloneF.path(), "vmid " + cloneFrom + " ($.vms[" + src.index() + "]) is not a template"
                            + " (is_template: true); only templates are cloned");
                } else {
                    if (src.name() != null) {
                        dependsOn.add(src.name());
                    }
                }
                try {
                    source = fullClones ? Source.fullClone(cloneFrom) : Source.linkedClone(cloneFrom);
                } catch (InvalidValueException e) {
                    r.problem(cloneF.path(), e.problem().message());
                }
            } else if (image != null) {
                source = importSource(imageF, image);
            } else if (!cloneF.present() && !imageF.present()) {
                r.problem(vmPath, "missing 'clone_from_vmid' or 'template_image': a VM is cloned from a template"
                        + " or created from a cloud image");
            }
            if (source != null) {
                b.source(source);
            }
            specPaths.put("source", source instanceof Source.ImportImage ? imageF.path() : cloneF.path());
            b.scsihw(ORCHESTRATOR_SCSIHW);

            // --- CPU, memory
            Field coresF = get(f, vmPath, "cores");
            Integer cores = r.integer(coresF);
            if (!coresF.present()) {
                r.missing(vmPath, "cores", "not in the VM nor in vm_defaults");
            } else if (cores != null) {
                b.cores(cores);
            }
            specPaths.put("cores", coresF.path());
            Field memF = get(f, vmPath, "memory_mb");
            Integer memory = r.integer(memF);
            if (!memF.present()) {
                r.missing(vmPath, "memory_mb", "not in the VM nor in vm_defaults");
            } else if (memory != null) {
                b.memory(memory);
            }
            specPaths.put("memory", memF.path());

            // --- disk, NIC
            Field storageF = get(f, vmPath, "storage_pool");
            Field bridgeF = get(f, vmPath, "network_bridge");
            Field diskF = get(f, vmPath, "disk_size_gb");
            String storage = r.text(storageF);
            String bridge = r.text(bridgeF);
            Integer diskGb = r.integer(diskF);
            if (!storageF.present()) {
                r.missing(vmPath, "storage_pool", "not in the VM nor in vm_defaults");
            }
            if (!bridgeF.present()) {
                r.missing(vmPath, "network_bridge", "not in the VM nor in vm_defaults");
            }
            DiskSize size = null;
            if (diskGb != null) {
                if (diskGb < 1) {
                    r.problem(diskF.path(), diskGb + " is less than 1");
                } else {
                    size = DiskSize.ofGiB(diskGb);
                }
            }
            Known template = cloneFrom == null ? null : byVmid.get(cloneFrom);
            if (size != null && source instanceof Source.CloneTemplate && template != null && template.template()
                    && template.diskGb() != null && diskGb < template.diskGb()) {
                // The orchestrator resized only VMs it imported (qm resize after import-from) and never a
                // clone, which kept its template's disk; Proxmox cannot shrink one (qemu-server
                // PVE::API2::Qemu resize_vm: "shrinking disks is not supported"). So the smaller size
                // is dropped and reported; a larger one still grows the clone's disk.
                size = null;
                warnings.put(diskF.path(), diskGb + " GiB is dropped: it is smaller than the " + template.diskGb()
                        + " GiB disk of template " + cloneFrom + ", which the clone keeps (the orchestrator never resized"
                        + " clones, and Proxmox cannot shrink a disk)");
                ignored.put(diskF.path(), JsonReading.MAPPER.valueToTree(diskGb + " (dropped: smaller than the "
                        + template.diskGb() + " GiB disk of template " + cloneFrom
                        + "; the orchestrator never resized clones, and Proxmox cannot shrink a disk)").toString());
            }
            if (storage != null && (source instanceof Source.ImportImage || size != null)) {
                try {
                    b.disk(Disk.scsi(0, storage, size));
                } catch (InvalidValueException e) {
                    r.problem(storageF.path(), e.problem().message());
                }
            }
            specPaths.put("disks[scsi0].size", diskF.present() ? diskF.path() : vmPath);
            specPaths.put("disks", storageF.path());
            Boolean firewallOn = firewall(get(f, vmPath, "firewall"), extras);
            if (bridge != null) {
                try {
                    Nic nic = Nic.virtio(0, bridge);
                    b.nic(Boolean.TRUE.equals(firewallOn) ? nic.withFirewall(true) : nic);
                } catch (InvalidValueException e) {
                    r.problem(bridgeF.path(), e.problem().message());
                }
            }
            specPaths.put("nics", bridgeF.path());

            // --- cloud-init
            if (storage != null) {
                CloudInit ci = cloudInit(storage, storageF, get(f, vmPath, "network_config"), get(f, vmPath, "user_config"),
                        ignored);
                if (ci != null) {
                    b.cloudInit(ci);
                }
            }
            specPaths.put("cloudInit.ipconfig", get(f, vmPath, "network_config").path());
            specPaths.put("cloudInit", vmPath);
            b.agent(true);

            // --- start at boot, startup order
            Field onbootF = get(f, vmPath, "start_at_boot");
            Boolean onboot = r.bool(onbootF);
            if (onboot != null) {
                b.onboot(onboot);
            }
            specPaths.put("onboot", onbootF.present() ? onbootF.path() : vmPath);
            Field orderF = get(f, vmPath, "boot_order");
            Field delayF = get(f, vmPath, "boot_delay");
            Integer order = r.integer(orderF);
            Integer delay = r.integer(delayF);
            if (order != null || delay != null) {
                b.startup(order, delay, null);
            }
            specPaths.put("startup", orderF.present() ? orderF.path() : delayF.path());
            b.template(isTemplate);
            b.start(!isTemplate);
            specPaths.put("template", get(f, vmPath, "is_template").path());
            specPaths.put("start", get(f, vmPath, "is_template").path());

            // --- raw options
            if (source instanceof Source.ImportImage) {
                b.option("serial0", "socket");
                specPaths.put("options.serial0", imageF.path());
            }
            List<Field> qmOptions = r.array(get(f, vmPath, "qm_options"));
            if (qmOptions != null) {
                for (Field item : qmOptions) {
                    String text = r.text(item);
                    if (text == null) {
                        if (!item.present()) {
                            r.problem(item.path(), "expected a string, got null");
                        }
                        continue;
                    }
                    Map<String, String> parsed = parseQmOptions(item, text);
                    parsed.forEach((k, v) -> {
                        b.option(k, v);
                        specPaths.put("options." + k, item.path());
                    });
                }
            }

            // --- around provisioning
            List<Feature> features = features(get(f, vmPath, "features"));
            SnapshotPolicy snapshots = snapshots(get(f, vmPath, "snapshots"), get(f, vmPath, "template_snapshot_name"),
                    isTemplate, ignored);
            volumes(get(f, vmPath, "volumes"), extras);
            if (extras.containsKey("volumes") && features.stream().noneMatch(x -> x.name().equals("volumes"))) {
                // the orchestrator mounts a VM's volumes in the guest: that is Phoenix's volumes feature, after the declared ones
                features = new ArrayList<>(features);
                features.add(Feature.named("volumes"));
            }
            dependencies(get(f, vmPath, "dependencies"), vmid, dependsOn, extras);

            VmSpec spec = null;
            try {
                spec = b.build();
            } catch (InvalidSpecException e) {
                for (Problem p : e.problems()) {
                    attribute(p, specPaths, vmPath);
                }
            }
            if (spec == null || name == null || vmid == null || source == null) {
                return null;
            }
            try {
                return new VmDefinition(spec, dependsOn, features, snapshots, ignored, extras);
            } catch (IllegalArgumentException e) {
                r.problem(vmPath, e.getMessage());
                return null;
            }
        }

        /** A VmSpec problem, reported at the JSON field its spec path came from. */
        private void attribute(Problem p, Map<String, String> specPaths, String vmPath) {
            String best = JsonReading.longestPathPrefix(p.path(), specPaths.keySet());
            if (best == null) {
                r.problem(vmPath, p.toString());
            } else if (best.equals(p.path())) {
                r.problem(specPaths.get(best), p.message());
            } else {
                r.problem(specPaths.get(best), p.toString());
            }
        }

        private Source importSource(Field imageF, String image) {
            String from;
            if (image.startsWith("/") || VOLUME_ID.matcher(image).matches()) {
                from = image;
            } else if (imageStorage != null) {
                from = imageStorage + ":iso/" + image;
            } else {
                from = imageDirectory + (imageDirectory.equals("/") ? "" : "/") + image;
            }
            if (("/" + from + "/").contains("/../")) {
                r.problem(imageF.path(), "'" + image + "' must not contain '..'");
                return null;
            }
            try {
                return Source.importImage(from);
            } catch (InvalidValueException e) {
                r.problem(imageF.path(), e.problem().message());
                return null;
            }
        }

        private CloudInit cloudInit(String storage, Field storageF, Field networkF, Field userF, Map<String, String> ignored) {
            CloudInit.Builder cb;
            try {
                cb = CloudInit.builder(storage);
            } catch (InvalidValueException e) {
                r.problem(storageF.path(), e.problem().message());
                return null;
            }
            ObjectNode user = r.object(userF);
            if (user != null) {
                for (Map.Entry<String, JsonNode> e : user.properties()) {
                    Field item = new Field(e.getValue(), LocatedJson.child(userF.path(), e.getKey()));
                    switch (e.getKey()) {
                        case "username": {
                            String u = r.text(item);
                            if (u != null) {
                                tryApply(item, () -> cb.user(u));
                            }
                            break;
                        }
                        case "password_hash": {
                            String h = r.text(item);
                            if (h != null) {
                                tryApply(item, () -> cb.passwordHash(h));
                            }
                            break;
                        }
                        default:
                            ignore(item, e.getKey(), ignored);
                    }
                }
                if (!user.has("username")) {
                    r.missing(userF.path(), "username", "");
                }
            }
            ObjectNode net = r.object(networkF);
            if (net != null) {
                String ip = null;
                String gw = null;
                Field ipF = JsonReading.member(net, networkF.path(), "ip");
                Field gwF = JsonReading.member(net, networkF.path(), "gw");
                List<String> nameservers = new ArrayList<>();
                List<Field> nameserverFields = new ArrayList<>();
                for (Map.Entry<String, JsonNode> e : net.properties()) {
                    Field item = new Field(e.getValue(), LocatedJson.child(networkF.path(), e.getKey()));
                    switch (e.getKey()) {
                        case "ip":
                            ip = r.text(item);
                            break;
                        case "gw":
                            gw = r.text(item);
                            break;
                        case "nameserver": {
                            // one address, or several separated by spaces/commas/semicolons (pve split_list)
                            String s = r.text(item);
                            if (s != null) {
                                for (String a : TagList.splitList(s)) {
                                    nameservers.add(a);
                                    nameserverFields.add(item);
                                }
                            }
                            break;
                        }
                        case "nameservers": {
                            List<Field> items = r.array(item);
                            if (items != null) {
                                for (Field a : items) {
                                    String s = r.text(a);
                                    if (s != null) {
                                        nameservers.add(s);
                                        nameserverFields.add(a);
                                    }
                                }
                            }
                            break;
                        }
                        default:
                            ignore(item, e.getKey(), ignored);
                    }
                }
                if (!ipF.present()) {
                    r.missing(networkF.path(), "ip", "'dhcp' or an address in CIDR notation");
                } else if (ip != null) {
                    try {
                        cb.ipconfig(0, IpConfig.staticV4(ip, gw));
                    } catch (PropertyStringException e) {
                        String m = e.getMessage();
                        r.problem(m.startsWith("gw:") ? gwF.path() : ipF.path(), m.replaceFirst("^(ip|gw): ", ""));
                    }
                }
                List<String> valid = new ArrayList<>();
                for (int i = 0; i < nameservers.size(); i++) {
                    String a = nameservers.get(i);
                    if (!NameserverList.isAddress(a)) {
                        r.problem(nameserverFields.get(i).path(), "'" + a + "' is not an IP address");
                    } else if (!valid.contains(a)) {
                        valid.add(a);
                    }
                }
                if (!valid.isEmpty()) {
                    cb.nameservers(valid.toArray(String[]::new));
                }
            }
            return cb.build();
        }

        private void tryApply(Field at, Runnable r2) {
            try {
                r2.run();
            } catch (InvalidValueException e) {
                r.problem(at.path(), e.problem().message());
            }
        }

        private Boolean firewall(Field fw, Map<String, String> extras) {
            ObjectNode o = r.object(fw);
            if (o == null) {
                return null;
            }
            Field enabledF = JsonReading.member(o, fw.path(), "enabled");
            Boolean enabled = r.bool(enabledF);
            if (!enabledF.present()) {
                r.missing(fw.path(), "enabled", "");
            }
            Field rulesF = JsonReading.member(o, fw.path(), "rules");
            List<Field> rules = r.array(rulesF);
            if (rules != null && !rules.isEmpty()) {
                warnings.put(rulesF.path(), "firewall rules are declared but Phoenix does not manage Proxmox firewall rules;"
                        + " only the NICs' firewall flag is applied");
            }
            if (rules != null) {
                for (Field rule : rules) {
                    ObjectNode ro = r.object(rule);
                    if (ro == null) {
                        continue;
                    }
                    oneOf(ro, rule.path(), "type", true, "in", "out");
                    oneOf(ro, rule.path(), "action", true, "ACCEPT", "DROP", "REJECT");
                    oneOf(ro, rule.path(), "proto", false, "tcp", "udp");
                    for (String key : List.of("source", "dest", "port", "comment")) {
                        r.text(JsonReading.member(ro, rule.path(), key));
                    }
                }
            }
            extras.put("firewall", JsonReading.raw("firewall", o));
            return enabled;
        }

        private void oneOf(ObjectNode o, String path, String key, boolean required, String... allowed) {
            Field f = JsonReading.member(o, path, key);
            String v = r.text(f);
            if (!f.present() && required) {
                r.missing(path, key, String.join("|", allowed));
            } else if (v != null && !List.of(allowed).contains(v)) {
                r.problem(f.path(), "'" + v + "' is not one of " + List.of(allowed));
            }
        }

        private void volumes(Field field, Map<String, String> extras) {
            List<Field> items = r.array(field);
            if (items == null) {
                return;
            }
            for (Field item : items) {
                ObjectNode v = r.object(item);
                if (v == null) {
                    continue;
                }
                for (String key : List.of("type", "name", "path", "mount_point", "server")) {
                    Field part = JsonReading.member(v, item.path(), key);
                    String s = r.text(part);
                    if (!part.present()) {
                        r.missing(item.path(), key, "");
                    } else if (s != null && (key.equals("path") || key.equals("mount_point")) && !s.startsWith("/")) {
                        r.problem(part.path(), "'" + s + "' is not an absolute path");
                    }
                }
            }
            extras.put("volumes", JsonReading.raw("volumes", field.node()));
        }

        private void dependencies(Field field, Integer vmid, List<String> dependsOn, Map<String, String> extras) {
            List<Field> items = r.array(field);
            if (items == null) {
                return;
            }
            ArrayNode external = JsonReading.MAPPER.createArrayNode();
            for (Field item : items) {
                JsonNode n = item.node();
                Integer id = null;
                if (n != null && n.isTextual() && GUEST_ID.matcher(n.textValue()).matches()) {
                    id = Integer.parseInt(n.textValue());
                } else if (n != null && n.isIntegralNumber() && n.canConvertToInt()) {
                    id = n.intValue();
                } else {
                    r.problem(item.path(), "expected a guest ID (digits), got " + JsonReading.describe(n));
                }
                if (id == null) {
                    continue;
                }
                Known k = byVmid.get(id);
                if (id.equals(vmid)) {
                    r.problem(item.path(), "a VM cannot depend on itself");
                } else if (k == null) {
                    // another kind of guest (the orchestrator's LXC containers share the ID space)
                    external.add(Integer.toString(id));
                } else if (k.name() != null && !dependsOn.contains(k.name())) {
                    dependsOn.add(k.name());
                }
            }
            if (!external.isEmpty()) {
                warnings.put(field.path(), "depends on guests " + JsonReading.raw("externalDependencies", external)
                        + " that are not VMs of this file (containers?); Phoenix neither orders nor checks them");
                extras.put("externalDependencies", JsonReading.raw("externalDependencies", external));
            }
        }

        private List<Feature> features(Field field) {
            List<Feature> out = new ArrayList<>();
            List<Field> items = r.array(field);
            if (items == null) {
                return out;
            }
            Set<String> seen = new HashSet<>();
            for (Field item : items) {
                String s = r.text(item);
                if (s == null) {
                    if (!item.present()) {
                        r.problem(item.path(), "expected a feature name, got null");
                    }
                } else if (!FEATURE_NAME.matcher(s).matches()) {
                    r.problem(item.path(), "'" + s + "' is not a feature name (letters, digits, '_', '-', '.')");
                } else if (!seen.add(s)) {
                    r.problem(item.path(), "feature '" + s + "' is listed twice");
                } else {
                    out.add(Feature.named(s));
                }
            }
            return out;
        }

        private SnapshotPolicy snapshots(Field field, Field templateSnapF, boolean isTemplate, Map<String, String> ignored) {
            String before = null;
            String after = null;
            ObjectNode o = r.object(field);
            if (o != null) {
                for (Map.Entry<String, JsonNode> e : o.properties()) {
                    Field item = new Field(e.getValue(), LocatedJson.child(field.path(), e.getKey()));
                    switch (e.getKey()) {
                        case "pre_features":
                        case "pre-features":
                            if (o.has("pre_features") && o.has("pre-features") && e.getKey().equals("pre-features")) {
                                r.problem(item.path(), "give pre_features or pre-features, not both");
                            }
                            before = snapshotName(item, before);
                            break;
                        case "post_features":
                        case "post-features":
                            if (o.has("post_features") && o.has("post-features") && e.getKey().equals("post-features")) {
                                r.problem(item.path(), "give post_features or post-features, not both");
                            }
                            after = snapshotName(item, after);
                            break;
                        default:
                            ignore(item, e.getKey(), ignored);
                    }
                }
            }
            String beforeTemplate = null;
            if (templateSnapF.present()) {
                if (isTemplate) {
                    beforeTemplate = snapshotName(templateSnapF, null);
                } else {
                    // only a template takes this snapshot (829c047 puts it on a clone, where the orchestrator never read it)
                    ignore(templateSnapF, "template_snapshot_name", ignored);
                }
            }
            if (before != null && (before.equals(after) || before.equals(beforeTemplate))
                    || after != null && after.equals(beforeTemplate)) {
                r.problem(field.present() ? field.path() : templateSnapF.path(), "the same snapshot name is used twice");
                return SnapshotPolicy.none();
            }
            return new SnapshotPolicy(before, after, beforeTemplate);
        }

        private String snapshotName(Field item, String previous) {
            String s = r.text(item);
            if (s == null) {
                return previous;
            }
            if (!SnapshotPolicy.isValidName(s)) {
                r.problem(item.path(), "'" + s + "' is not a valid snapshot name (a letter, then letters, digits, '_' or '-')");
                return previous;
            }
            return s;
        }

        /** {@code --vga qxl}, {@code --vga=qxl}, several in one string; a value may be quoted. */
        private Map<String, String> parseQmOptions(Field item, String text) {
            Map<String, String> out = new LinkedHashMap<>();
            String key = null;
            List<String> value = new ArrayList<>();
            List<String> tokens = new ArrayList<>(List.of(text.trim().split("\\s+")));
            tokens.add("--");
            for (String token : tokens) {
                if (token.startsWith("-")) {
                    if (key != null) {
                        String v = String.join(" ", value);
                        if (v.length() >= 2 && (v.startsWith("'") && v.endsWith("'") || v.startsWith("\"") && v.endsWith("\""))) {
                            v = v.substring(1, v.length() - 1);
                        }
                        if (v.isEmpty()) {
                            r.problem(item.path(), "option --" + key + " has no value");
                        } else {
                            out.put(key, v);
                        }
                    }
                    value.clear();
                    key = null;
                    if (token.equals("--")) {
                        continue;
                    }
                    Matcher m = QM_OPTION.matcher(token);
                    if (!m.matches()) {
                        r.problem(item.path(), "'" + token + "' is not a qm option (--key value)");
                        continue;
                    }
                    key = m.group(1);
                    if (m.group(2) != null) {
                        value.add(m.group(2));
                    }
                } else if (key != null) {
                    value.add(token);
                } else {
                    r.problem(item.path(), "'" + text + "' is not a qm option (--key value)");
                    return out;
                }
            }
            return out;
        }

        /** Dependencies (and clone sources) between VMs of the file must not form a cycle. */
        private void checkCycles(List<Field> entries, List<VmDefinition> vms) {
            Map<String, VmDefinition> byName = new HashMap<>();
            vms.forEach(v -> byName.put(v.name(), v));
            Map<String, Integer> state = new HashMap<>();
            for (VmDefinition v : vms) {
                String cycle = visit(v.name(), byName, state, new ArrayList<>());
                if (cycle != null) {
                    String path = "$";
                    for (Field e : entries) {
                        JsonNode n = e.node();
                        if (n != null && n.isObject() && v.name().equals(n.path("name").asText(null))) {
                            path = e.path();
                        }
                    }
                    r.problem(LocatedJson.child(path, "dependencies"), "dependencies form a cycle: " + cycle);
                    return;
                }
            }
        }

        private String visit(String name, Map<String, VmDefinition> byName, Map<String, Integer> state, List<String> stack) {
            Integer s = state.get(name);
            if (s != null && s == 2) {
                return null;
            }
            if (s != null && s == 1) {
                return String.join(" -> ", stack.subList(stack.indexOf(name), stack.size())) + " -> " + name;
            }
            state.put(name, 1);
            stack.add(name);
            VmDefinition v = byName.get(name);
            if (v != null) {
                for (String d : v.dependsOn()) {
                    String c = visit(d, byName, state, stack);
                    if (c != null) {
                        return c;
                    }
                }
            }
            stack.remove(stack.size() - 1);
            state.put(name, 2);
            return null;
        }
    }
}
