-- The company's customer table as conf/*.json "sync" maps it (columns named under sync.columns).
-- The Syncer reads it by (updated_at, id); the index below keeps that cheap.
CREATE TABLE IF NOT EXISTS customers (
  id                BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  email             VARCHAR(320) NOT NULL,
  name              VARCHAR(200) NOT NULL,
  gender            VARCHAR(16)  NULL,                 -- Male, Female, Other (M/F accepted); NULL: not given
  created_at        TIMESTAMP    NOT NULL DEFAULT CURRENT_TIMESTAMP,
  marketing_opt_in  TINYINT(1)   NULL,                 -- consent to marketing email; NULL rows are skipped
  opt_in_updated_at TIMESTAMP    NULL,                 -- when the customer last changed that consent
  deleted_at        TIMESTAMP    NULL,                 -- soft delete: the customer leaves the audience
  updated_at        TIMESTAMP    NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  UNIQUE KEY customers_email (email),
  KEY customers_sync (updated_at, id)
);

-- The Syncer's user needs to read this table, and to update the consent columns only if
-- sync.writeBack is on:
-- CREATE USER 'mailroom'@'%' IDENTIFIED BY '...';
-- GRANT SELECT ON shop.customers TO 'mailroom'@'%';
-- GRANT UPDATE (marketing_opt_in, opt_in_updated_at) ON shop.customers TO 'mailroom'@'%';
