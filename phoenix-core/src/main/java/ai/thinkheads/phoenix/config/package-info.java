/**
 * The Proxmox VM config language: {@link ai.thinkheads.phoenix.config.PropertyString} (the generic
 * {@code key=value,...} codec), typed views over single values
 * ({@link ai.thinkheads.phoenix.config.DriveConfig}, {@link ai.thinkheads.phoenix.config.NetConfig},
 * {@link ai.thinkheads.phoenix.config.IpConfig}, {@link ai.thinkheads.phoenix.config.BootOrder}, ...)
 * and over a whole config map ({@link ai.thinkheads.phoenix.config.ConfigView}), and
 * {@link ai.thinkheads.phoenix.config.ConfigKeys}, Phoenix's table of the option keys it knows.
 * Every view parses what Proxmox writes and prints one canonical text, so
 * {@code parse(format(x)).equals(x)}.
 */
package ai.thinkheads.phoenix.config;
