import Dashboard
import Relay

/// The frames compared with golden text: every view at 80×24 and 160×48,
/// and the main views at 120×36 (the size of the end-to-end test and the
/// screenshots).
enum GoldenScenario: String, CaseIterable {
    case empty
    case streams
    case detail
    case help
    case kickConfirmation
    case filterEditing
    case streamsASCII
    case detailASCII
    case logHidden

    var sizes: [(width: Int, height: Int)] {
        switch self {
        case .streamsASCII, .detailASCII, .logHidden: return [(80, 24)]
        case .streams, .detail: return [(80, 24), (120, 36), (160, 48)]
        default: return [(80, 24), (160, 48)]
        }
    }

    var options: RenderOptions {
        switch self {
        case .streamsASCII, .detailASCII: return RenderOptions(unicode: false, color: false)
        default: return RenderOptions()
        }
    }

    var snapshot: ServerSnapshot {
        self == .empty ? SampleSnapshots.empty : SampleSnapshots.busy
    }

    /// The state reached by pressing keys, as a user would.
    func state(height: Int) -> DashboardState {
        var controller = DashboardController()
        let keys: [Key]
        switch self {
        case .empty, .streams, .streamsASCII: keys = []
        case .detail, .detailASCII: keys = [.enter, .down]
        case .help: keys = [.char("?")]
        case .kickConfirmation: keys = [.down, .enter, .down, .char("k")]
        case .filterEditing: keys = [.char("/"), .char("l"), .char("i"), .char("v")]
        case .logHidden: keys = [.char("l"), .down]
        }
        for key in keys { _ = controller.handle(key, snapshot: snapshot, screenHeight: height) }
        return controller.state
    }

    func render(width: Int, height: Int) -> Screen {
        var screen = Screen(width: width, height: height)
        DashboardRenderer.render(snapshot, state: state(height: height), into: &screen, options: options)
        return screen
    }
}

/// The expected text of every golden frame (in Golden80x24.swift,
/// Golden120x36.swift and Golden160x48.swift), one `static let` per scenario
/// and size.
enum Golden {
    static func expected(_ scenario: GoldenScenario, width: Int, height: Int) -> String? {
        switch (scenario, width, height) {
        case (.empty, 80, 24): return empty80x24
        case (.empty, 160, 48): return empty160x48
        case (.streams, 80, 24): return streams80x24
        case (.streams, 120, 36): return streams120x36
        case (.streams, 160, 48): return streams160x48
        case (.detail, 80, 24): return detail80x24
        case (.detail, 120, 36): return detail120x36
        case (.detail, 160, 48): return detail160x48
        case (.help, 80, 24): return help80x24
        case (.help, 160, 48): return help160x48
        case (.kickConfirmation, 80, 24): return kickConfirmation80x24
        case (.kickConfirmation, 160, 48): return kickConfirmation160x48
        case (.filterEditing, 80, 24): return filterEditing80x24
        case (.filterEditing, 160, 48): return filterEditing160x48
        case (.streamsASCII, 80, 24): return streamsASCII80x24
        case (.detailASCII, 80, 24): return detailASCII80x24
        case (.logHidden, 80, 24): return logHidden80x24
        default: return nil
        }
    }
}
