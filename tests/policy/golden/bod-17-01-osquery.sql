-- voorzorg prevention policy, format osquery
-- mode: report only (a policy reports, it does not block)
-- measure us-2017-bod-17-01 (BOD 17-01; 82 FR 43782)
--   action for sector central-government: phase-out
-- catalogue nl-voorzorg version 2, signature valid
-- product kaspersky-endpoint-security-windows: Kaspersky Endpoint Security for Windows
-- product kaspersky-endpoint-security-linux: Kaspersky Endpoint Security for Linux
-- product kaspersky-security-windows-server: Kaspersky Security for Windows Server
-- product kaspersky-anti-virus-linux-file-server: Kaspersky Anti-Virus for Linux File Server
-- product kaspersky-anti-virus: Kaspersky Anti-Virus
-- product kaspersky-internet-security: Kaspersky Internet Security
-- product kaspersky-total-security: Kaspersky Total Security
-- product kaspersky-anti-virus-mac: Kaspersky Anti-Virus for Mac
-- product kaspersky-network-agent-linux: Kaspersky Security Center Network Agent for Linux
-- product kaspersky-network-agent-windows: Kaspersky Security Center Network Agent for Windows
-- product kaspersky-security-center-linux: Kaspersky Security Center Linux (Administration Server)
-- product kaspersky-industrial-cybersecurity-linux: Kaspersky Industrial CyberSecurity for Linux Nodes
-- product kaspersky-embedded-systems-security-linux: Kaspersky Embedded Systems Security for Linux
-- product kaspersky-mobile-apps: Kaspersky mobile apps (Android)
-- Each query returns a row when none of the products is there: as osquery
-- and Fleet policies, they pass on a row and fail on none.

-- policy: voorzorg us-2017-bod-17-01 (linux)
SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM deb_packages WHERE name = 'kesl' OR name = 'kesl-gui' OR name = 'kav4fs' OR name = 'klnagent' OR name = 'klnagent64' OR name = 'ksc64' OR name = 'ksc-web-console' OR name = 'kics' OR name = 'kics-gui' OR name = 'kess' OR name = 'kess-gui') AND NOT EXISTS (SELECT 1 FROM rpm_packages WHERE name = 'kesl' OR name = 'kesl-gui' OR name = 'klnagent' OR name = 'klnagent64' OR name = 'ksc64' OR name = 'ksc-web-console' OR name = 'kics' OR name = 'kics-gui' OR name = 'kess' OR name = 'kess-gui');

-- policy: voorzorg us-2017-bod-17-01 (windows)
SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM programs WHERE (name LIKE 'Kaspersky Endpoint Security%' ESCAPE '\' AND publisher COLLATE NOCASE = 'AO Kaspersky Lab')) AND NOT EXISTS (SELECT 1 FROM programs WHERE name LIKE 'Kaspersky Endpoint Security%' ESCAPE '\' OR name LIKE 'Kaspersky Anti-Virus%' ESCAPE '\' OR name LIKE 'Kaspersky Internet Security%' ESCAPE '\' OR name LIKE 'Kaspersky Total Security%' ESCAPE '\' OR name LIKE 'Kaspersky Security Center Network Agent%' ESCAPE '\' OR name LIKE 'Kaspersky Network Agent%' ESCAPE '\');

-- policy: voorzorg us-2017-bod-17-01 (darwin)
SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM apps WHERE bundle_identifier = 'com.kaspersky.kav.sysext' OR bundle_identifier = 'com.kaspersky.kav.downloader' OR bundle_identifier = 'com.kaspersky.kav_agent');
