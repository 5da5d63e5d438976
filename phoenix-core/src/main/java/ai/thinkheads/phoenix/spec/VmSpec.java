package ai.thinkheads.phoenix.spec;

import ai.thinkheads.phoenix.config.AgentConfig;
import ai.thinkheads.phoenix.config.BootOrder;
import ai.thinkheads.phoenix.config.ConfigKey;
import ai.thinkheads.phoenix.config.ConfigKeys;
import ai.thinkheads.phoenix.config.DriveBus;
import ai.thinkheads.phoenix.config.PropertyString;
import ai.thinkheads.phoenix.config.PropertyStringException;
import ai.thinkheads.phoenix.config.StartupOrder;
import ai.thinkheads.phoenix.config.TagList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What an operator declares about one Proxmox VM: identity, source, CPU and memory, disks, NICs,
 * cloud-init, and the small things (agent, boot order, start at boot, tags, PCI passthrough...).
 * Immutable, with value {@code equals}/{@code hashCode} and a readable {@code toString} that never
 * shows the cloud-init password hash.
 *
 * <p>Where to start:
 * <pre>{@code
 * VmSpec spec = VmSpec.builder("web01")
 *     .vmid(120)
 *     .source(Source.importImage("/var/lib/vz/template/iso/noble-server-cloudimg-amd64.img"))
 *     .cores(2).memory(4096)
 *     .disk(Disk.scsi(0, "local-lvm", DiskSize.ofGiB(32)).withDiscard(true).withIothread(true))
 *     .nic(Nic.virtio(0, "vmbr0").withVlan(10))
 *     .cloudInit(CloudInit.builder("local-lvm").user("ubuntu")
 *         .ipconfig(0, IpConfig.staticV4("10.0.0.5/24", "10.0.0.1")).build())
 *     .agent(true)
 *     .build();
 * Map<String, String> config = ProxmoxConfigMapping.forCreate(spec).config();
 * }</pre>
 *
 * <h2>Validation</h2>
 * Each builder method checks its own argument; a bad value is recorded as a {@link Problem} naming
 * the field (e.g. {@code memory: 8 is less than 16}) and the field keeps its previous value.
 * {@link Builder#build()} then checks the rules that span fields (ipconfig for a NIC that does not
 * exist, duplicate disk slots, boot order naming an undeclared device, ...) and reports
 * <em>every</em> problem at once, the bad values first, in one {@link InvalidSpecException}.
 * Problems found while making components ({@link Disk}, {@link Nic}, ...: these throw
 * {@link InvalidValueException} at once) can be added with {@link Builder#problem(Problem)}, as the
 * definition readers do.
 *
 * <h2>Clones and disks</h2>
 * With {@link Source.CloneTemplate} the template's disks come with the clone. Declared disks then
 * say what the clone must have afterwards: a slot the template already has is grown to the declared
 * size (never shrunk), a slot it lacks is allocated. So every declared disk of a clone needs a size.
 * With {@link Source.ImportImage} the first declared disk receives the image and may leave its size
 * out (keep the image's size) or give a size to grow to; all other disks need sizes.
 */
public final class VmSpec {

    /** Default controller: the one qemu-server's iothread support needs ({@code virtio-scsi-single}). */
    public static final String DEFAULT_SCSIHW = "virtio-scsi-single";
    /** Default memory in MiB. */
    public static final int DEFAULT_MEMORY_MIB = 2048;

    /** Keys the typed fields own; the raw-options escape hatch may not set them. */
    static final Set<String> TYPED_KEYS = Set.of("name", "sockets", "cores", "cpu", "memory", "balloon", "scsihw",
            "boot", "onboot", "startup", "tags", "description", "template", "agent", "ciuser", "cipassword",
            "sshkeys", "nameserver", "searchdomain", "cicustom");
    /** Indexed keys the typed fields own. */
    static final Set<String> TYPED_INDEXED = Set.of("net[n]", "ipconfig[n]", "hostpci[n]", "scsi[n]", "virtio[n]",
            "sata[n]", "ide[n]");

    private static final Pattern CPU_TYPE = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.+\\-]*$");
    // pve-access-control verify_poolname: up to three '/'-separated levels of [A-Za-z0-9_-]
    private static final Pattern POOL = Pattern.compile("^[A-Za-z0-9_][A-Za-z0-9_\\-]*(?:/[A-Za-z0-9_][A-Za-z0-9_\\-]*){0,2}$");

    private final String name;
    private final Integer vmid;
    private final String node;
    private final Source source;
    private final int sockets;
    private final int cores;
    private final String cpuType;
    private final int memoryMiB;
    private final Integer balloonMiB;
    private final String scsihw;
    private final List<Disk> disks;
    private final List<Nic> nics;
    private final CloudInit cloudInit;
    private final AgentConfig agent;
    private final List<String> bootOrder;
    private final boolean onboot;
    private final StartupOrder startup;
    private final List<String> tags;
    private final String pool;
    private final String description;
    private final List<PciPassthrough> pciDevices;
    private final boolean template;
    private final boolean start;
    private final Map<String, String> options;

    private VmSpec(Builder b) {
        name = b.name;
        vmid = b.vmid;
        node = b.node;
        source = b.source;
        sockets = b.sockets;
        cores = b.cores;
        cpuType = b.cpuType;
        memoryMiB = b.memoryMiB;
        balloonMiB = b.balloonMiB;
        scsihw = b.scsihw;
        disks = List.copyOf(b.disks);
        nics = List.copyOf(b.nics);
        cloudInit = b.cloudInit;
        agent = b.agent;
        bootOrder = List.copyOf(b.bootOrder);
        onboot = b.onboot;
        startup = b.startup;
        tags = List.copyOf(b.tags);
        pool = b.pool;
        description = b.description;
        pciDevices = List.copyOf(b.pciDevices);
        template = b.template;
        start = b.start;
        options = Collections.unmodifiableMap(new TreeMap<>(b.options));
    }

    /**
     * A builder for VM {@code name} (a DNS name). Bad values are recorded, not thrown;
     * {@link Builder#build()} reports them all together with the cross-field problems.
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** A builder holding this spec's values. */
    public Builder toBuilder() {
        Builder b = new Builder(name);
        b.vmid = vmid;
        b.node = node;
        b.source = source;
        b.sockets = sockets;
        b.cores = cores;
        b.cpuType = cpuType;
        b.memoryMiB = memoryMiB;
        b.balloonMiB = balloonMiB;
        b.scsihw = scsihw;
        b.disks.addAll(disks);
        b.nics.addAll(nics);
        b.cloudInit = cloudInit;
        b.agent = agent;
        b.bootOrder.addAll(bootOrder);
        b.onboot = onboot;
        b.startup = startup;
        b.tags.addAll(tags);
        b.pool = pool;
        b.description = description;
        b.pciDevices.addAll(pciDevices);
        b.template = template;
        b.start = start;
        b.options.putAll(options);
        return b;
    }

    public String name() {
        return name;
    }

    public Optional<Integer> vmid() {
        return Optional.ofNullable(vmid);
    }

    public Optional<String> node() {
        return Optional.ofNullable(node);
    }

    public Source source() {
        return source;
    }

    public int sockets() {
        return sockets;
    }

    public int cores() {
        return cores;
    }

    /** CPU type ({@code host}, {@code x86-64-v2-AES}); empty for Proxmox's default. */
    public Optional<String> cpuType() {
        return Optional.ofNullable(cpuType);
    }

    public int memoryMiB() {
        return memoryMiB;
    }

    /** Balloon minimum in MiB (0 disables ballooning); empty for Proxmox's default. */
    public Optional<Integer> balloonMiB() {
        return Optional.ofNullable(balloonMiB);
    }

    public String scsihw() {
        return scsihw;
    }

    /** Disks in declaration order; with an import source the first one receives the image. */
    public List<Disk> disks() {
        return disks;
    }

    public List<Nic> nics() {
        return nics;
    }

    public Optional<CloudInit> cloudInit() {
        return Optional.ofNullable(cloudInit);
    }

    public Optional<AgentConfig> agent() {
        return Optional.ofNullable(agent);
    }

    /** Device keys in boot order; empty means "the first disk" (see {@link ProxmoxConfigMapping}). */
    public List<String> bootOrder() {
        return bootOrder;
    }

    public boolean onboot() {
        return onboot;
    }

    public Optional<StartupOrder> startup() {
        return Optional.ofNullable(startup);
    }

    public List<String> tags() {
        return tags;
    }

    public Optional<String> pool() {
        return Optional.ofNullable(pool);
    }

    public Optional<String> description() {
        return Optional.ofNullable(description);
    }

    public List<PciPassthrough> pciDevices() {
        return pciDevices;
    }

    public boolean template() {
        return template;
    }

    /** Start the VM once it is created. */
    public boolean start() {
        return start;
    }

    /** Raw Proxmox options (escape hatch), sorted by key; keys are in {@link ConfigKeys} and not owned by typed fields. */
    public Map<String, String> options() {
        return options;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof VmSpec)) {
            return false;
        }
        VmSpec v = (VmSpec) o;
        return sockets == v.sockets && cores == v.cores && memoryMiB == v.memoryMiB && onboot == v.onboot
                && template == v.template && start == v.start && name.equals(v.name) && Objects.equals(vmid, v.vmid)
                && Objects.equals(node, v.node) && source.equals(v.source) && Objects.equals(cpuType, v.cpuType)
                && Objects.equals(balloonMiB, v.balloonMiB) && scsihw.equals(v.scsihw) && disks.equals(v.disks)
                && nics.equals(v.nics) && Objects.equals(cloudInit, v.cloudInit) && Objects.equals(agent, v.agent)
                && bootOrder.equals(v.bootOrder) && Objects.equals(startup, v.startup) && tags.equals(v.tags)
                && Objects.equals(pool, v.pool) && Objects.equals(description, v.description)
                && pciDevices.equals(v.pciDevices) && options.equals(v.options);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, vmid, node, source, sockets, cores, cpuType, memoryMiB, balloonMiB, scsihw, disks, nics,
                cloudInit, agent, bootOrder, onboot, startup, tags, pool, description, pciDevices, template, start, options);
    }

    /** One line per declared part; the cloud-init password hash shows as {@code <redacted>}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("VmSpec{name=").append(name);
        if (vmid != null) {
            sb.append(", vmid=").append(vmid);
        }
        if (node != null) {
            sb.append(", node=").append(node);
        }
        sb.append(", source=").append(source);
        sb.append(", sockets=").append(sockets).append(", cores=").append(cores);
        if (cpuType != null) {
            sb.append(", cpu=").append(cpuType);
        }
        sb.append(", memory=").append(memoryMiB).append("MiB");
        if (balloonMiB != null) {
            sb.append(", balloon=").append(balloonMiB).append("MiB");
        }
        sb.append(", scsihw=").append(scsihw);
        for (Disk d : disks) {
            sb.append(",\n  disk ").append(d.key()).append('=').append(d.storage()).append(':')
                    .append(d.size() == null ? "(source size)" : d.size().toString());
            appendIf(sb, "discard", d.discard());
            appendIf(sb, "ssd", d.ssd());
            appendIf(sb, "iothread", d.iothread());
            if (d.cache() != null) {
                sb.append(" cache=").append(d.cache());
            }
            d.extraOptions().forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        }
        for (Nic n : nics) {
            sb.append(",\n  nic ").append(n.key()).append('=').append(n.model()).append(" on ").append(n.bridge());
            if (n.vlan() != null) {
                sb.append(" vlan ").append(n.vlan());
            }
            if (n.mac() != null) {
                sb.append(" mac ").append(n.mac());
            }
            appendIf(sb, "firewall", n.firewall());
            if (n.mtu() != null) {
                sb.append(" mtu ").append(n.mtu());
            }
            if (n.rate() != null) {
                sb.append(" rate ").append(n.rate());
            }
            if (n.queues() != null) {
                sb.append(" queues ").append(n.queues());
            }
        }
        for (PciPassthrough p : pciDevices) {
            sb.append(",\n  pci ").append(p.key()).append('=').append(p.device().format());
        }
        if (cloudInit != null) {
            sb.append(",\n  ").append(cloudInit);
        }
        if (agent != null) {
            sb.append(",\n  agent=").append(agent.format());
        }
        if (!bootOrder.isEmpty()) {
            sb.append(", boot=").append(String.join(";", bootOrder));
        }
        if (onboot) {
            sb.append(", onboot");
        }
        if (startup != null) {
            sb.append(", startup=").append(startup.format());
        }
        if (!tags.isEmpty()) {
            sb.append(", tags=").append(String.join(";", tags));
        }
        if (pool != null) {
            sb.append(", pool=").append(pool);
        }
        if (description != null) {
            sb.append(", description=\"").append(description.length() > 40 ? description.substring(0, 37) + "..." : description).append('"');
        }
        if (template) {
            sb.append(", template");
        }
        if (start) {
            sb.append(", start");
        }
        if (!options.isEmpty()) {
            sb.append(",\n  options=").append(options);
        }
        return sb.append('}').toString();
    }

    private static void appendIf(StringBuilder sb, String flag, Boolean value) {
        if (value != null) {
            sb.append(' ').append(flag).append('=').append(value ? "on" : "off");
        }
    }

    /**
     * Builds a {@link VmSpec}. Methods have no {@code set} prefix; each validates its own argument.
     * Collection methods ({@link #disk}, {@link #nic}, {@link #pci}, {@link #tag}, {@link #option})
     * add; {@link #bootOrder} and {@link #tags} replace.
     */
    public static final class Builder {
        private final List<Problem> problems = new ArrayList<>();
        private String name;
        private Integer vmid;
        private String node;
        private Source source = Source.emptyDisks();
        private int sockets = 1;
        private int cores = 1;
        private String cpuType;
        private int memoryMiB = DEFAULT_MEMORY_MIB;
        private Integer balloonMiB;
        private String scsihw = DEFAULT_SCSIHW;
        private final List<Disk> disks = new ArrayList<>();
        private final List<Nic> nics = new ArrayList<>();
        private CloudInit cloudInit;
        private AgentConfig agent;
        private final List<String> bootOrder = new ArrayList<>();
        private boolean onboot;
        private StartupOrder startup;
        private final LinkedHashSet<String> tags = new LinkedHashSet<>();
        private String pool;
        private String description;
        private final List<PciPassthrough> pciDevices = new ArrayList<>();
        private boolean template;
        private boolean start;
        private final Map<String, String> options = new LinkedHashMap<>();

        private Builder(String name) {
            this.name = String.valueOf(name);
            check(() -> this.name = SpecChecks.dnsName("name", name));
        }

        /** Renames; a DNS name (pve-common format {@code dns-name}). */
        public Builder name(String value) {
            return check(() -> name = SpecChecks.dnsName("name", value));
        }

        /** VMID 100–999999999 (pve-common {@code pve-vmid}); unset means "allocate one". */
        public Builder vmid(int value) {
            return check(() -> vmid = SpecChecks.range("vmid", value, 100, 999_999_999));
        }

        /** Target node; unset means "choose one". */
        public Builder node(String value) {
            return check(() -> node = SpecChecks.dnsName("node", value));
        }

        public Builder source(Source value) {
            return check(() -> source = SpecChecks.notNull("source", value));
        }

        public Builder sockets(int value) {
            return check(() -> sockets = SpecChecks.atLeast("sockets", value, 1));
        }

        public Builder cores(int value) {
            return check(() -> cores = SpecChecks.atLeast("cores", value, 1));
        }

        /** CPU type ({@code cpu: [cputype=]<type>}): {@code host}, {@code x86-64-v2-AES}, {@code kvm64}, ... */
        public Builder cpu(String type) {
            return check(() -> {
                if (type == null || !CPU_TYPE.matcher(type).matches()) {
                    throw new InvalidValueException("cpu", "'" + type + "' is not a CPU type name");
                }
                cpuType = type;
            });
        }

        /** Memory in MiB, at least 16 (schema minimum of {@code memory.current}). */
        public Builder memory(int mib) {
            return check(() -> memoryMiB = SpecChecks.atLeast("memory", mib, 16));
        }

        /** Balloon target minimum in MiB; 0 disables the balloon device. */
        public Builder balloon(int mib) {
            return check(() -> balloonMiB = SpecChecks.atLeast("balloon", mib, 0));
        }

        /** SCSI controller ({@code scsihw}); default {@value VmSpec#DEFAULT_SCSIHW}. */
        public Builder scsihw(String value) {
            return check(() -> {
                if (!ConfigKeys.SCSI_CONTROLLERS.contains(value)) {
                    throw new InvalidValueException("scsihw", "'" + value + "' is not one of " + ConfigKeys.SCSI_CONTROLLERS);
                }
                scsihw = value;
            });
        }

        public Builder disk(Disk value) {
            return check(() -> disks.add(SpecChecks.notNull("disks", value)));
        }

        public Builder nic(Nic value) {
            return check(() -> nics.add(SpecChecks.notNull("nics", value)));
        }

        /** Replaces every NIC declared so far with {@code values}. */
        public Builder nics(List<Nic> values) {
            return check(() -> {
                List<Nic> copy = List.copyOf(values);
                nics.clear();
                nics.addAll(copy);
            });
        }

        public Builder cloudInit(CloudInit value) {
            return check(() -> cloudInit = SpecChecks.notNull("cloudInit", value));
        }

        /** QEMU guest agent on/off ({@code agent: 1}). */
        public Builder agent(boolean enabled) {
            return check(() -> agent = new AgentConfig(enabled, null));
        }

        /** Guest agent with options ({@code agent: 1,fstrim_cloned_disks=1}). */
        public Builder agent(AgentConfig value) {
            return check(() -> agent = SpecChecks.notNull("agent", value));
        }

        /** Boot order as device keys ({@code scsi0}, {@code ide2}, {@code net0}); replaces any earlier order. */
        public Builder bootOrder(String... devices) {
            return check(() -> {
                List<String> list = new ArrayList<>();
                for (int i = 0; i < devices.length; i++) {
                    if (!BootOrder.isBootDevice(devices[i])) {
                        throw new InvalidValueException("boot[" + i + "]", "'" + devices[i] + "' is not a boot device key");
                    }
                    if (list.contains(devices[i])) {
                        throw new InvalidValueException("boot[" + i + "]", "'" + devices[i] + "' is listed twice");
                    }
                    list.add(devices[i]);
                }
                bootOrder.clear();
                bootOrder.addAll(list);
            });
        }

        /** Start at node boot ({@code onboot}). */
        public Builder onboot(boolean value) {
            onboot = value;
            return this;
        }

        /** Start/stop order and delays ({@code startup: order=1,up=30,down=60}); null parts are left out. */
        public Builder startup(Integer order, Integer upSeconds, Integer downSeconds) {
            return check(() -> {
                try {
                    startup = new StartupOrder(order, upSeconds, downSeconds);
                } catch (PropertyStringException e) {
                    throw new InvalidValueException("startup", e.getMessage());
                }
            });
        }

        /** Adds a tag (pve-common {@code pve-tag}). */
        public Builder tag(String value) {
            return check(() -> {
                if (!TagList.isValidTag(value)) {
                    throw new InvalidValueException("tags", "'" + value + "' has invalid characters for a tag");
                }
                tags.add(value);
            });
        }

        /** Replaces the tags. */
        public Builder tags(String... values) {
            return check(() -> {
                for (String t : values) {
                    if (!TagList.isValidTag(t)) {
                        throw new InvalidValueException("tags", "'" + t + "' has invalid characters for a tag");
                    }
                }
                tags.clear();
                tags.addAll(Arrays.asList(values));
            });
        }

        /** Resource pool the VM joins on create (a create parameter, not a config key). */
        public Builder pool(String value) {
            return check(() -> {
                if (value == null || !POOL.matcher(value).matches()) {
                    throw new InvalidValueException("pool", "'" + value + "' is not a valid pool ID");
                }
                pool = value;
            });
        }

        /** Free text, at most 8192 characters (schema {@code maxLength}). */
        public Builder description(String value) {
            return check(() -> {
                SpecChecks.notNull("description", value);
                if (value.length() > 8192) {
                    throw new InvalidValueException("description", value.length() + " characters exceed the limit of 8192");
                }
                description = value;
            });
        }

        public Builder pci(PciPassthrough value) {
            return check(() -> pciDevices.add(SpecChecks.notNull("pci", value)));
        }

        /** Make the VM a template. */
        public Builder template(boolean value) {
            template = value;
            return this;
        }

        /** Start the VM right after creating it (a create parameter, not a config key). */
        public Builder start(boolean value) {
            start = value;
            return this;
        }

        /**
         * Escape hatch: a raw Proxmox option. The key must be in {@link ConfigKeys} and not owned by
         * a typed field (e.g. {@code cores}, {@code net0}); the value is checked against the table's
         * type, range and enum.
         */
        public Builder option(String key, String value) {
            return check(() -> options.put(key, checkOption(key, value)));
        }

        /** Adds a problem found elsewhere (a definition reader's component that failed to build). */
        public Builder problem(Problem value) {
            problems.add(Objects.requireNonNull(value, "problem"));
            return this;
        }

        /** Checks the rules across fields; throws {@link InvalidSpecException} with every problem found. */
        public VmSpec build() {
            List<Problem> all = new ArrayList<>(problems);
            crossCheck(all);
            if (!all.isEmpty()) {
                throw new InvalidSpecException(name, all);
            }
            return new VmSpec(this);
        }

        private Builder check(Runnable setter) {
            try {
                setter.run();
            } catch (InvalidValueException e) {
                problems.add(e.problem());
            }
            return this;
        }

        private static String checkOption(String key, String value) {
            String path = "options." + key;
            ConfigKey entry = ConfigKeys.lookup(String.valueOf(key)).orElseThrow(() ->
                    new InvalidValueException(path, "is not a VM option Phoenix knows (see ConfigKeys)"));
            if (TYPED_KEYS.contains(key) || TYPED_INDEXED.contains(entry.name())) {
                throw new InvalidValueException(path, "is set by a typed field of VmSpec; use that instead");
            }
            if (entry.isPropertyString()) {
                // key=value,... : every sub-key must be one the table knows, each value checked like a single value
                SpecChecks.singleLine(path, value);
                PropertyString ps;
                try {
                    ps = PropertyString.parse(value, entry.defaultKey());
                } catch (PropertyStringException e) {
                    throw new InvalidValueException(path, e.getMessage());
                }
                Map<String, String> checked = new LinkedHashMap<>();
                ps.values().forEach((k, v) -> checked.put(k, SubKeyValues.check(path + "." + k,
                        entry.subKey(k).orElseThrow(() -> new InvalidValueException(path + "." + k,
                                "is not a known " + entry.name() + " option")), v)));
                return PropertyString.of(entry.defaultKey(), checked).format();
            }
            if (entry.type() == ConfigKey.Type.STRING) {
                // plain strings may hold lists (hotplug: network,disk,usb); one line only
                SpecChecks.singleLine(path, value);
                if (!entry.enumValues().isEmpty() && !entry.enumValues().contains(value)) {
                    throw new InvalidValueException(path, "'" + value + "' is not one of " + entry.enumValues());
                }
                return value;
            }
            ConfigKey.SubKey asSub = new ConfigKey.SubKey(entry.type(), entry.minimum(), entry.maximum(), entry.enumValues());
            return SubKeyValues.check(path, asSub, value);
        }

        private void crossCheck(List<Problem> out) {
            // duplicate slots
            Map<String, String> slots = new HashMap<>();
            for (Disk d : disks) {
                if (slots.put(d.key(), "disks[" + d.key() + "]") != null) {
                    out.add(new Problem("disks[" + d.key() + "]", "declared twice"));
                }
            }
            Set<Integer> nicIndexes = new HashSet<>();
            Map<String, Integer> macs = new HashMap<>();
            for (Nic n : nics) {
                if (!nicIndexes.add(n.index())) {
                    out.add(new Problem("nics[" + n.index() + "]", "declared twice"));
                }
                if (n.mac() != null) {
                    Integer other = macs.putIfAbsent(n.mac().toLowerCase(Locale.ROOT), n.index());
                    if (other != null && other != n.index()) {
                        out.add(new Problem("nics[" + n.index() + "].mac", n.mac() + " is already used by nics[" + other + "]"));
                    }
                }
            }
            Set<Integer> pciIndexes = new HashSet<>();
            for (PciPassthrough p : pciDevices) {
                if (!pciIndexes.add(p.index())) {
                    out.add(new Problem("pci[" + p.index() + "]", "declared twice"));
                }
            }
            // cloud-init
            if (cloudInit != null) {
                String owner = slots.get(cloudInit.slot());
                if (owner != null) {
                    out.add(new Problem("cloudInit.slot", cloudInit.slot() + " is already used by " + owner));
                }
                // a clone inherits its template's NICs, so only a VM built from scratch must declare them
                boolean inheritsNics = source instanceof Source.CloneTemplate && nicIndexes.isEmpty();
                for (Integer index : cloudInit.ipConfigs().keySet()) {
                    if (!inheritsNics && !nicIndexes.contains(index)) {
                        out.add(new Problem("cloudInit.ipconfig[" + index + "]", "there is no nics[" + index + "]"));
                    }
                }
            }
            // boot order
            Set<String> devices = new HashSet<>(slots.keySet());
            nics.forEach(n -> devices.add(n.key()));
            pciDevices.forEach(p -> devices.add(p.key()));
            if (cloudInit != null) {
                devices.add(cloudInit.slot());
            }
            for (int i = 0; i < bootOrder.size(); i++) {
                if (!devices.contains(bootOrder.get(i))) {
                    out.add(new Problem("boot[" + i + "]", "'" + bootOrder.get(i) + "' is not a declared disk, NIC or PCI device"));
                }
            }
            // source and disk sizes
            if (source instanceof Source.ImportImage && disks.isEmpty()) {
                out.add(new Problem("source", "importing an image needs a disk to import into; declare one"));
            }
            for (int i = 0; i < disks.size(); i++) {
                Disk d = disks.get(i);
                boolean importTarget = i == 0 && source instanceof Source.ImportImage;
                if (d.size() == null && !importTarget) {
                    out.add(new Problem("disks[" + d.key() + "].size", source instanceof Source.CloneTemplate
                            ? "required: a clone's declared disks are grown or allocated to their size"
                            : "required for a new empty disk"));
                }
                if (d.size() != null && !d.size().isWholeGiB() && !importTarget) {
                    out.add(new Problem("disks[" + d.key() + "].size", d.size().human()
                            + " is not a whole number of GiB; Proxmox allocates new disks in GiB"));
                }
                if (Boolean.TRUE.equals(d.iothread()) && d.bus() == DriveBus.SCSI && !scsihw.equals("virtio-scsi-single")) {
                    // QemuServer.pm config_to_command: "iothread is only valid with virtio disk or virtio-scsi-single controller"
                    out.add(new Problem("disks[" + d.key() + "].iothread", "needs scsihw virtio-scsi-single (is " + scsihw + ")"));
                }
            }
            if (balloonMiB != null && balloonMiB > memoryMiB) {
                // API2/Qemu.pm: "balloon value too large (must be smaller than assigned memory)"
                out.add(new Problem("balloon", balloonMiB + " exceeds memory " + memoryMiB));
            }
            if (template && onboot) {
                out.add(new Problem("onboot", "a template cannot be started at boot"));
            }
            if (template && start) {
                out.add(new Problem("start", "a template cannot be started"));
            }
        }
    }
}
