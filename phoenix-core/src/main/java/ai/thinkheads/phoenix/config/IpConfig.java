package ai.thinkheads.phoenix.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The value of a cloud-init {@code ipconfig[n]} option: {@code ip=10.0.0.5/24,gw=10.0.0.1},
 * {@code ip=dhcp}, {@code ip6=auto}.
 *
 * <p>Rules from {@code QemuServer/Network.pm parse_ipconfig}: a gateway needs an address of its
 * family; {@code gw} is not allowed with {@code ip=dhcp}; {@code gw6} only with a static
 * {@code ip6}. Phoenix additionally requires at least one of {@code ip}/{@code ip6} (Proxmox would
 * fall back to DHCP silently). Printing sorts the keys: {@code gw=...,ip=...}.
 *
 * @param ip {@code dhcp}, an IPv4 CIDR, or null
 * @param gw IPv4 gateway, or null
 * @param ip6 {@code dhcp}, {@code auto}, an IPv6 CIDR, or null
 * @param gw6 IPv6 gateway, or null
 */
public record IpConfig(String ip, String gw, String ip6, String gw6) {

    public IpConfig {
        if (ip != null && !ip.equals("dhcp") && !IpAddresses.isV4Cidr(ip)) {
            throw new PropertyStringException("ip: '" + ip + "' is neither 'dhcp' nor an IPv4 address in CIDR notation");
        }
        if (gw != null && !IpAddresses.isV4(gw)) {
            throw new PropertyStringException("gw: '" + gw + "' is not an IPv4 address");
        }
        if (gw != null && ip == null) {
            throw new PropertyStringException("gw: gateway specified without specifying an IP address");
        }
        if (gw != null && ip.equals("dhcp")) {
            throw new PropertyStringException("gw: gateway specified together with DHCP");
        }
        if (ip6 != null && !ip6.equals("dhcp") && !ip6.equals("auto") && !IpAddresses.isV6Cidr(ip6)) {
            throw new PropertyStringException("ip6: '" + ip6 + "' is neither 'dhcp', 'auto' nor an IPv6 address in CIDR notation");
        }
        if (gw6 != null && !IpAddresses.isV6(gw6)) {
            throw new PropertyStringException("gw6: '" + gw6 + "' is not an IPv6 address");
        }
        if (gw6 != null && ip6 == null) {
            throw new PropertyStringException("gw6: IPv6 gateway specified without specifying an IPv6 address");
        }
        if (gw6 != null && (ip6.equals("dhcp") || ip6.equals("auto"))) {
            throw new PropertyStringException("gw6: IPv6 gateway specified together with " + ip6 + " address");
        }
        if (ip == null && ip6 == null) {
            throw new PropertyStringException("ipconfig: neither ip nor ip6 given");
        }
    }

    /** {@code ip=dhcp}. */
    public static IpConfig dhcp() {
        return new IpConfig("dhcp", null, null, null);
    }

    /** {@code ip=cidr[,gw=gateway]}; {@code gateway} may be null. */
    public static IpConfig staticV4(String cidr, String gateway) {
        return new IpConfig(cidr, gateway, null, null);
    }

    /** This config with IPv6 set to {@code ip6} ({@code dhcp}, {@code auto} or a CIDR) and {@code gw6} (may be null). */
    public IpConfig withIpv6(String newIp6, String newGw6) {
        return new IpConfig(ip, gw, newIp6, newGw6);
    }

    public static IpConfig parse(String text) {
        PropertyString ps = PropertyString.parse(text);
        for (String key : ps.values().keySet()) {
            if (!key.equals("ip") && !key.equals("gw") && !key.equals("ip6") && !key.equals("gw6")) {
                throw new PropertyStringException("invalid key in comma-separated list property: " + key);
            }
        }
        return new IpConfig(ps.values().get("ip"), ps.values().get("gw"), ps.values().get("ip6"), ps.values().get("gw6"));
    }

    public boolean isDhcp() {
        return "dhcp".equals(ip);
    }

    public Optional<String> gateway() {
        return Optional.ofNullable(gw);
    }

    public String format() {
        Map<String, String> values = new LinkedHashMap<>();
        putIf(values, "ip", ip);
        putIf(values, "gw", gw);
        putIf(values, "ip6", ip6);
        putIf(values, "gw6", gw6);
        return PropertyString.of(null, values).format();
    }

    @Override
    public String toString() {
        return format();
    }

    private static void putIf(Map<String, String> m, String k, String v) {
        if (v != null) {
            m.put(k, v);
        }
    }
}
