-- Run once by the postgres image on an empty volume: one database per service.
CREATE DATABASE plansync_auth;
CREATE DATABASE plansync_sync;
CREATE DATABASE plansync_notifier;
