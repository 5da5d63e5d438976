package ai.thinkheads.phoenix.config;

import java.util.List;

/**
 * The value of the cloud-init option {@code nameserver} (format {@code address-list}): IPv4/IPv6
 * addresses, read with {@code split_list} and printed space-separated.
 *
 * @param addresses the DNS servers, in order
 */
public record NameserverList(List<String> addresses) {

    public NameserverList {
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty()) {
            throw new PropertyStringException("nameserver: no address given");
        }
        for (String a : addresses) {
            if (!IpAddresses.isV4(a) && !IpAddresses.isV6(a)) {
                throw new PropertyStringException("nameserver: '" + a + "' is not an IP address");
            }
        }
    }

    public static NameserverList of(String... addresses) {
        return new NameserverList(List.of(addresses));
    }

    /** Whether {@code text} is an IPv4 or IPv6 address. */
    public static boolean isAddress(String text) {
        return IpAddresses.isV4(text) || IpAddresses.isV6(text);
    }

    public static NameserverList parse(String text) {
        return new NameserverList(TagList.splitList(text));
    }

    public String format() {
        return String.join(" ", addresses);
    }

    @Override
    public String toString() {
        return format();
    }
}
