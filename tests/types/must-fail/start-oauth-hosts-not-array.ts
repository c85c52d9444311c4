// expect-error: TS2322
// allowedHosts is a list of hosts, not one string.
import { startOAuth } from "supermemory-connections";

void startOAuth("notion", { baseURL: "/api/supermemory", allowedHosts: "github.com" });
