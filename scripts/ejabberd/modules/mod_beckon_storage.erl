%%% Mnesia storage of the tables that grow with traffic: the message archive (mod_mam) and offline
%%% messages (mod_offline) in memory with every write logged to disk (disc_copies), instead of
%%% ejabberd's default DETS files (disc_only_copies). There a user's messages form one bag whose
%%% every insertion reads the ones before it: under 10,000 concurrent invitations a node fell
%%% minutes behind, archiving. Durable all the same: disc_copies survive a restart.
%%%
%%% ejabberd 23.01 reads the same choice from `ejabberd.schema` (EJABBERD_MNESIA_SCHEMA) when a
%%% table already exists, but creates a new table with its default type: this module, started
%%% after the modules that create the tables, changes the type of a node's fresh copies.
-module(mod_beckon_storage).
-behaviour(gen_mod).

-export([start/2, stop/1, reload/3, depends/2, mod_options/1, mod_doc/0]).

-define(TABLES, [archive_msg, offline_msg]).

start(_Host, _Opts) ->
    lists:foreach(fun in_memory/1, ?TABLES).

stop(_Host) -> ok.

reload(_Host, _NewOpts, _OldOpts) -> ok.

depends(_Host, _Opts) -> [{mod_mam, hard}, {mod_offline, hard}].

mod_options(_Host) -> [].

mod_doc() -> #{desc => ["Keeps the archive and offline messages in disc_copies tables."]}.

in_memory(Table) ->
    case catch mnesia:table_info(Table, storage_type) of
        disc_only_copies ->
            case mnesia:change_table_copy_type(Table, node(), disc_copies) of
                {atomic, ok} -> ok;
                {aborted, Reason} -> {error, {Table, Reason}}
            end;
        _ -> ok
    end.
