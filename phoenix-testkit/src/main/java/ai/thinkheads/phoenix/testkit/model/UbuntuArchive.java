package ai.thinkheads.phoenix.testkit.model;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one list of packages the simulated guest can install: a small, finite piece of the Ubuntu
 * 24.04 (noble) archive plus Docker's apt repository, with what installing each one does
 * (dependencies pulled in, systemd units, groups, files). Anything not listed is a package apt
 * cannot find ({@code E: Unable to locate package X}).
 */
public final class UbuntuArchive {

    /** Docker's apt repository, as user-data names it in {@code apt: sources: ...: source: deb [...] URI noble stable}. */
    public static final String DOCKER_REPO = "download.docker.com/linux/ubuntu";

    /** What installing a package does. {@code unit} is its systemd unit (null: none), started on install when {@code startOnInstall}. */
    record Pkg(String name, String source, List<String> depends, String unit, boolean enabledOnInstall,
               boolean startOnInstall, List<String> groups, List<String> files) {
    }

    private static final Map<String, Pkg> PACKAGES;

    static {
        Map<String, Pkg> m = new java.util.TreeMap<>();
        for (String plain : List.of("cloud-init", "openssh-server", "sudo", "curl", "wget", "ca-certificates", "gnupg",
                "apt-transport-https", "software-properties-common", "lsb-release", "jq", "git", "htop", "vim", "nano",
                "tmux", "unzip", "zip", "rsync", "net-tools", "dnsutils", "iproute2", "iputils-ping", "traceroute",
                "python3", "python3-pip", "python3-venv", "build-essential", "make", "gcc", "tree", "ncdu", "screen",
                "bash-completion", "less", "lvm2", "parted", "xfsprogs", "e2fsprogs", "open-iscsi", "tzdata", "locales",
                "ubuntu-drivers-common", "pciutils", "linux-headers-generic", "dkms", "smartmontools", "bc",
                "apache2-utils", "sqlite3", "postgresql-client", "mysql-client", "redis-tools", "s3cmd", "awscli",
                "fail2ban", "ufw", "chrony", "cron", "logrotate", "nvtop", "iotop", "sysstat", "mtr-tiny", "socat",
                "netcat-openbsd", "tcpdump", "nmap", "gpg", "snapd", "docker-compose-v2")) {
            m.put(plain, new Pkg(plain, null, List.of(), null, false, false, List.of(), List.of()));
        }
        // Ubuntu's unit is static: udev starts it when the virtio port org.qemu.guest_agent.0 appears at
        // boot; an install from cloud-init leaves it stopped (see GuestSystem#start and #boot)
        m.put("qemu-guest-agent", new Pkg("qemu-guest-agent", null, List.of(), "qemu-guest-agent", false, false,
                List.of(), List.of("/usr/sbin/qemu-ga")));
        m.put("nfs-common", new Pkg("nfs-common", null, List.of(), null, false, false, List.of(), List.of("/sbin/mount.nfs")));
        m.put("cifs-utils", new Pkg("cifs-utils", null, List.of(), null, false, false, List.of(), List.of("/sbin/mount.cifs")));
        m.put("containerd", new Pkg("containerd", null, List.of(), "containerd", true, true, List.of(), List.of()));
        m.put("docker.io", new Pkg("docker.io", null, List.of("containerd"), "docker", true, true, List.of("docker"),
                List.of("/usr/bin/docker")));
        m.put("nginx", new Pkg("nginx", null, List.of(), "nginx", true, true, List.of(), List.of("/etc/nginx/nginx.conf")));
        m.put("nfs-kernel-server", new Pkg("nfs-kernel-server", null, List.of("nfs-common"), "nfs-server", true, true,
                List.of(), List.of("/etc/exports")));
        for (String v : List.of("550", "535")) {
            for (String flavour : List.of("nvidia-driver-" + v, "nvidia-driver-" + v + "-server")) {
                m.put(flavour, new Pkg(flavour, null, List.of(), null, false, false, List.of(), List.of("/usr/bin/nvidia-smi")));
            }
            m.put("nvidia-utils-" + v, new Pkg("nvidia-utils-" + v, null, List.of(), null, false, false, List.of(),
                    List.of("/usr/bin/nvidia-smi")));
        }
        // Docker's repository (https://download.docker.com/linux/ubuntu noble stable)
        m.put("containerd.io", new Pkg("containerd.io", DOCKER_REPO, List.of(), "containerd", true, true, List.of(), List.of()));
        m.put("docker-ce-cli", new Pkg("docker-ce-cli", DOCKER_REPO, List.of(), null, false, false, List.of(),
                List.of("/usr/bin/docker")));
        m.put("docker-ce", new Pkg("docker-ce", DOCKER_REPO, List.of("containerd.io", "docker-ce-cli"), "docker", true, true,
                List.of("docker"), List.of()));
        m.put("docker-buildx-plugin", new Pkg("docker-buildx-plugin", DOCKER_REPO, List.of(), null, false, false, List.of(),
                List.of("/usr/libexec/docker/cli-plugins/docker-buildx")));
        m.put("docker-compose-plugin", new Pkg("docker-compose-plugin", DOCKER_REPO, List.of(), null, false, false, List.of(),
                List.of("/usr/libexec/docker/cli-plugins/docker-compose")));
        PACKAGES = Map.copyOf(m);
    }

    private UbuntuArchive() {
    }

    /** Every package name known, in order. */
    public static Set<String> packages() {
        return new TreeSet<>(PACKAGES.keySet());
    }

    /** What the stock noble server cloud image has installed, of the packages listed here. */
    static Set<String> cloudImagePackages() {
        return Set.of("cloud-init", "openssh-server", "sudo", "curl", "wget", "ca-certificates", "gnupg", "lsb-release",
                "git", "vim", "nano", "tmux", "less", "iproute2", "iputils-ping", "python3", "bash-completion", "lvm2",
                "parted", "xfsprogs", "e2fsprogs", "open-iscsi", "tzdata", "locales", "snapd", "cron", "logrotate",
                "chrony", "apt-transport-https", "software-properties-common", "htop", "rsync", "bc", "gpg",
                "netcat-openbsd", "tcpdump");
    }

    static String require(String name) {
        if (!PACKAGES.containsKey(name)) {
            throw new IllegalArgumentException("not in the simulated archive: " + name);
        }
        return name;
    }

    static Optional<Pkg> find(String name, Collection<String> sources) {
        Pkg p = PACKAGES.get(name);
        if (p == null || (p.source() != null && sources.stream().noneMatch(s -> s.contains(p.source())))) {
            return Optional.empty();
        }
        return Optional.of(p);
    }

    /**
     * What {@code apt-get install} installs for {@code names} with {@code sources} configured: the
     * packages and their dependencies, or the first name apt cannot locate.
     */
    static Resolution resolve(List<String> names, Collection<String> sources) {
        Set<String> out = new LinkedHashSet<>();
        for (String n : names) {
            if (find(n, sources).isEmpty()) {
                return new Resolution(List.of(), n);
            }
            addWithDepends(n, sources, out);
        }
        return new Resolution(List.copyOf(out), null);
    }

    private static void addWithDepends(String n, Collection<String> sources, Set<String> out) {
        Pkg p = find(n, sources).orElseThrow();
        for (String d : p.depends()) {
            addWithDepends(d, sources, out);
        }
        out.add(n);
    }

    static Pkg get(String name) {
        return PACKAGES.get(name);
    }

    record Resolution(List<String> install, String missing) {
    }
}
