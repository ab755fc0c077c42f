package dev.pikodb.benchmarks;

import java.util.List;

/**
 * The value every workload stores: a small user profile whose JSON form is about 150 bytes.
 *
 * @param id the key it is stored under
 * @param name the display name
 * @param email the e-mail address
 * @param age the age in years
 * @param city the home city
 * @param tags a few labels
 * @param active whether the account is active
 */
public record UserProfile(String id, String name, String email, int age, String city, List<String> tags,
                          boolean active) {
}
