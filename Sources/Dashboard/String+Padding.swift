extension String {
    /// Pads with spaces to `width` columns (never truncates).
    func padding(to width: Int) -> String {
        let missing = width - DisplayWidth.of(self)
        return missing > 0 ? self + String(repeating: " ", count: missing) : self
    }
}
