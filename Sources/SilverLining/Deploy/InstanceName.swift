import Foundation

/// Silver Lining's instance names: `APP.YYYY-MM-DD_NNN`, numbered per app and day.
public enum InstanceName {
    public static func date(_ date: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: date)
    }

    /// The next name for `app` on `day`, after every name any node already has.
    public static func next(app: String, day: String, existing: [String]) -> String {
        let prefix = "\(app).\(day)_"
        let highest = existing.compactMap { name -> Int? in
            guard name.hasPrefix(prefix) else { return nil }
            return Int(name.dropFirst(prefix.count))
        }.max() ?? 0
        let number = String(highest + 1)
        return prefix + String(repeating: "0", count: max(0, 3 - number.count)) + number
    }
}
