-- voorzorg prevention policy, format osquery
-- mode: report only (a policy reports, it does not block)
-- measure example-measure (Example <reference> & "quotes")
-- sector: any (none was given)
-- catalogue voorzorg-policy-tests version 1, signature unsigned
-- product example-agent: Example Agent (fictional)
-- Each query returns a row when none of the products is there: as osquery
-- and Fleet policies, they pass on a row and fail on none.

-- policy: voorzorg example-measure (linux)
SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM deb_packages WHERE name = 'example-agent') AND NOT EXISTS (SELECT 1 FROM rpm_packages WHERE name = 'example-agent' OR name GLOB 'example-agent-*');

-- policy: voorzorg example-measure (windows)
SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM programs WHERE (name LIKE 'Example Agent%' ESCAPE '\' AND publisher COLLATE NOCASE = 'Example Vendor Ltd')) AND NOT EXISTS (SELECT 1 FROM programs WHERE name LIKE 'Example Agent & Co''s %' ESCAPE '\');

-- policy: voorzorg example-measure (darwin)
SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM apps WHERE bundle_identifier = 'org.example.agent' OR bundle_identifier GLOB 'org.example.agent.*' OR bundle_identifier = 'org.example.helper');
