// Firefox ESR profile for the HAR recording (record.sh copies this to PROFILE/user.js and
// fills in __HARDIR__ and __PROXYPORT__).
// HAR auto-export: the devtools toolbox (opened by -devtools) writes the netmonitor's
// requests to __HARDIR__/session.har when the page navigates away.
user_pref("devtools.netmonitor.har.enableAutoExportToFile", true);
user_pref("devtools.netmonitor.har.defaultLogDir", "__HARDIR__");
user_pref("devtools.netmonitor.har.defaultFileName", "session");
user_pref("devtools.netmonitor.har.includeResponseBodies", true);
user_pref("devtools.netmonitor.har.jsonp", false);
user_pref("devtools.netmonitor.har.compress", false);
user_pref("devtools.netmonitor.har.pageLoadedTimeout", 3000);
user_pref("devtools.netmonitor.persistlog", false);
user_pref("devtools.toolbox.selectedTool", "netmonitor");
user_pref("devtools.toolbox.host", "bottom");
// the harness page must be on the Cerb origin: every request goes through harness_proxy.py,
// loopback included
user_pref("network.proxy.type", 1);
user_pref("network.proxy.http", "127.0.0.1");
user_pref("network.proxy.http_port", __PROXYPORT__);
user_pref("network.proxy.no_proxies_on", "");
user_pref("network.proxy.allow_hijacking_localhost", true);
// quiet, closed network
user_pref("browser.shell.checkDefaultBrowser", false);
user_pref("browser.startup.homepage_override.mstone", "ignore");
user_pref("browser.aboutwelcome.enabled", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("datareporting.healthreport.uploadEnabled", false);
user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);
user_pref("app.update.enabled", false);
user_pref("app.normandy.enabled", false);
user_pref("extensions.update.enabled", false);
user_pref("browser.safebrowsing.malware.enabled", false);
user_pref("browser.safebrowsing.phishing.enabled", false);
user_pref("network.captive-portal-service.enabled", false);
user_pref("network.connectivity-service.enabled", false);
user_pref("browser.newtabpage.enabled", false);
user_pref("browser.tabs.warnOnClose", false);
user_pref("devtools.everOpened", true);
user_pref("toolkit.startup.max_resumed_crashes", -1);
user_pref("dom.push.enabled", false);
user_pref("dom.push.connection.enabled", false);
// one tab, the harness (no URL on the command line: -devtools then opens the toolbox for it)
user_pref("browser.startup.page", 1);
user_pref("browser.startup.homepage", "__HARNESS__");
