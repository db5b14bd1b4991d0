// Commands, the runner and user-facing errors are shared with the node agent; code that
// uses silver's library sees them as its own.
@_exported import SilverNode
