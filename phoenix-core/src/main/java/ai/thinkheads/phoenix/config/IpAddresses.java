package ai.thinkheads.phoenix.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** IPv4/IPv6 address and CIDR syntax, as pve-common's {@code $IPV4RE}/{@code $IPV6RE} accept them. */
final class IpAddresses {

    private static final String OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
    private static final Pattern V4 = Pattern.compile("^" + OCTET + "(?:\\." + OCTET + "){3}$");
    private static final Pattern V6_CHARS = Pattern.compile("^[0-9a-fA-F:.]*:[0-9a-fA-F:.]*$");

    private IpAddresses() {
    }

    static boolean isV4(String s) {
        return s != null && V4.matcher(s).matches();
    }

    static boolean isV6(String s) {
        if (s == null || s.length() > 45 || !V6_CHARS.matcher(s).matches()) {
            return false;
        }
        try {
            // a literal with ':' is parsed, never looked up
            return InetAddress.getByName(s) instanceof Inet6Address;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    static boolean isV4Cidr(String s) {
        return isCidr(s, 32) && isV4(s.substring(0, s.indexOf('/')));
    }

    static boolean isV6Cidr(String s) {
        return isCidr(s, 128) && isV6(s.substring(0, s.indexOf('/')));
    }

    private static boolean isCidr(String s, int maxPrefix) {
        if (s == null) {
            return false;
        }
        int slash = s.indexOf('/');
        if (slash < 0 || !s.substring(slash + 1).matches("0|[1-9]\\d{0,2}")) {
            return false;
        }
        return Integer.parseInt(s.substring(slash + 1)) <= maxPrefix;
    }
}
